package org.cakb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/**
 * A PostgreSQL 15 cluster of its own for one IT: initdb into a temp dir owned by postgres, a free port, a role and
 * database {@code cakb} (password {@code cakb}); the machine's main cluster is never touched. It runs as the postgres
 * user (through su), so it needs root: {@link #missing()} says what is absent.
 */
public final class ThrowawayPostgres implements AutoCloseable {
    public static final Path PG_BIN = Paths.get(System.getenv().getOrDefault("CAKB_PG_BIN", "/usr/lib/postgresql/15/bin"));
    public static final String USER = "cakb";
    public static final String PASSWORD = "cakb";

    private final String name;
    private final String keepDirVariable;
    /** The temp dir: the cluster's data ({@code pg}), its log and socket; the caller may put its own files here too. */
    public final Path work;
    public final int port;
    public final String dbUrl;
    private boolean started;

    /** Why a throwaway cluster cannot run here, or null when it can. */
    public static String missing() {
        boolean root;
        try {
            root = ((Number) Files.getAttribute(Paths.get("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (Exception e) {
            root = false;
        }
        boolean postgresUser;
        try {
            Paths.get("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            postgresUser = true;
        } catch (IOException e) {
            postgresUser = false;
        }
        return root && postgresUser && Files.isExecutable(PG_BIN.resolve("initdb")) && Files.isExecutable(PG_BIN.resolve("pg_ctl"))
                && Files.isExecutable(Paths.get("/bin/su")) ? null
                : "root, su, a postgres user and the PostgreSQL 15 binaries in " + PG_BIN;
    }

    /**
     * Creates and starts the cluster. {@code keepDirVariable}: when that environment variable is set, {@link #close()}
     * leaves the temp dir for a look at the logs.
     */
    public ThrowawayPostgres(String name, int maxConnections, String keepDirVariable) throws Exception {
        this.name = name;
        this.keepDirVariable = keepDirVariable;
        work = Files.createTempDirectory("cakb-" + name);
        try {
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            UserPrincipal postgres = work.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(work, postgres);
            Path data = Files.createDirectory(work.resolve("pg"));
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            Files.setOwner(data, postgres);
            asPostgres(PG_BIN.resolve("initdb") + " -D " + data + " -A trust -U postgres", 180);
            port = ChildProcesses.freePort();
            Files.writeString(data.resolve("postgresql.conf"), "\nport = " + port + "\nlisten_addresses = '127.0.0.1'\n"
                    + "unix_socket_directories = '" + work + "'\nmax_connections = " + maxConnections + "\nfsync = off\n",
                    StandardOpenOption.APPEND);
            start();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
                s.execute("CREATE DATABASE cakb OWNER " + USER);
            }
            dbUrl = "jdbc:postgresql://127.0.0.1:" + port + "/cakb";
        } catch (Throwable t) {
            close(); // a half-made cluster is stopped and removed too
            throw t;
        }
    }

    public void start() throws Exception {
        pgCtl("start");
        started = true;
    }

    /** {@code pg_ctl stop -m mode} (smart, fast or immediate). */
    public void stop(String mode) throws Exception {
        pgCtl("stop -m " + mode);
    }

    /** The first column of the first row of {@code query}, as a number. */
    public long sql(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl, USER, PASSWORD); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The first column of the first row of {@code query}, as text. */
    public String sqlText(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl, USER, PASSWORD); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getString(1);
        }
    }

    /** Stops the cluster at once and deletes the temp dir; stop the cluster's clients first. */
    @Override
    public void close() throws Exception {
        try {
            if (started) {
                stop("immediate");
            }
        } catch (Throwable t) {
            System.out.println("[" + name + "] stopping the throwaway cluster: " + t);
        } finally {
            if (System.getenv(keepDirVariable) == null) {
                ChildProcesses.deleteTree(work);
            }
        }
    }

    private void pgCtl(String action) throws Exception {
        asPostgres(PG_BIN.resolve("pg_ctl") + " -D " + work.resolve("pg") + " -l " + work.resolve("pg.log") + " -w -t 60 " + action, 120);
    }

    private static void asPostgres(String command, int timeoutSeconds) throws Exception {
        ChildProcesses.Result p = ChildProcesses.run(List.of("/bin/su", "postgres", "-s", "/bin/sh", "-c", command), timeoutSeconds);
        assertEquals(0, p.code(), command + "\n" + p.out());
    }
}
