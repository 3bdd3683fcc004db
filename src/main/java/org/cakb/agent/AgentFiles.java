package org.cakb.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The agent's state on disk: the credential file (mode 0600, written atomically) and, next to it, the spool of
 * reports not yet accepted by the server (directory 0700; each report a file written via temp file + rename, named
 * so that lexical order is submission order) with a {@code rejected/} folder for reports the server refused.
 */
final class AgentFiles {

    static final Set<PosixFilePermission> FILE_0600 = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIR_0700 = PosixFilePermissions.fromString("rwx------");

    /** What {@code enroll} stores. */
    static final class Credential {
        final String server;
        final String hostId;
        final String hostName;
        final String secret;
        final String caFile;
        /** The server's Ed25519 public key for probe bundles (base64 X.509 SubjectPublicKeyInfo), or null. */
        final String bundleKey;

        Credential(String server, String hostId, String hostName, String secret, String caFile) {
            this(server, hostId, hostName, secret, caFile, null);
        }

        Credential(String server, String hostId, String hostName, String secret, String caFile, String bundleKey) {
            this.server = server;
            this.hostId = hostId;
            this.hostName = hostName;
            this.secret = secret;
            this.caFile = caFile;
            this.bundleKey = bundleKey;
        }
    }

    private AgentFiles() {
    }

    /** {@code /etc/cakb-agent/credential} as root, else {@code $XDG_CONFIG_HOME/cakb-agent/credential} (~/.config). */
    static Path defaultCredentialFile(Map<String, String> env, boolean root) {
        if (root) {
            return Paths.get("/etc/cakb-agent/credential");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".config");
        return base.resolve("cakb-agent").resolve("credential");
    }

    static Path spoolDir(Path credentialFile) {
        Path parent = credentialFile.toAbsolutePath().getParent();
        return parent.resolve("spool");
    }

    /**
     * Creates {@code dir} (0700) and any missing parents when absent and returns the directories it created, outermost
     * first. An existing directory is left exactly as it is: the agent never changes the permissions of a directory it
     * did not create (the credential and spool files are 0600 themselves).
     */
    static List<Path> ensurePrivateDir(Path dir) throws IOException {
        List<Path> created = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            return created;
        }
        List<Path> missing = new ArrayList<>();
        for (Path d = dir.toAbsolutePath(); d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing.add(0, d);
        }
        for (Path d : missing) {
            try {
                // umask may remove bits from 0700, never add any
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(DIR_0700));
                created.add(d);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (!Files.isDirectory(d)) {
                    throw e;
                }
                // raced with another agent run
            }
        }
        return created;
    }

    /** Removes directories {@link #ensurePrivateDir} created, innermost first, as long as they are empty. */
    static void removeCreated(List<Path> created) {
        for (int k = created.size() - 1; k >= 0; k--) {
            try {
                Files.deleteIfExists(created.get(k));
            } catch (IOException e) {
                return; // not empty, or gone: leave it
            }
        }
    }

    /** Reads a file the operator named (bundle, report, CA file): a regular file of at most {@code max} bytes. */
    static byte[] readBounded(Path p, int max) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException(p + (Files.exists(p) ? " is not a regular file (a FIFO, socket, device or directory)" : " does not exist"));
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new IOException(p + " is larger than " + max + " bytes");
            }
            return b;
        }
    }

    /**
     * A value in java.util.Properties syntax on one line: whatever the server sent (a host name with a newline, say)
     * cannot start a line of its own or change another key.
     */
    static String propertyValue(String v) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            switch (c) {
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                case '\f': b.append("\\f"); break;
                case ' ':
                    b.append(k == 0 ? "\\ " : " ");
                    break;
                default:
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.toString();
    }

    /** Writes {@code data} to {@code target} atomically: a 0600 temp file in the same directory, fsync, rename. */
    static void writeAtomically(Path target, byte[] data) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".tmp-", ".part", PosixFilePermissions.asFileAttribute(FILE_0600));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void writeCredential(Path file, Credential c) throws IOException {
        ensurePrivateDir(file.toAbsolutePath().getParent());
        StringBuilder b = new StringBuilder();
        b.append("# cakb-agent credential: a secret that identifies this host to the KB server. Keep it private.\n");
        b.append("server=").append(propertyValue(c.server)).append('\n');
        b.append("hostId=").append(propertyValue(c.hostId)).append('\n');
        b.append("hostName=").append(propertyValue(c.hostName)).append('\n');
        if (c.caFile != null) {
            b.append("caFile=").append(propertyValue(c.caFile)).append('\n');
        }
        if (c.bundleKey != null) {
            b.append("bundleKey=").append(propertyValue(c.bundleKey)).append('\n');
        }
        b.append("credential=").append(propertyValue(c.secret)).append('\n');
        writeAtomically(file, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the credential file; refuses one that group or others can read. */
    static Credential readCredential(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no credential file at " + file + "; enroll first: cakb-agent enroll --server URL --token TOKEN");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        for (PosixFilePermission p : perms) {
            if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                throw new IOException("credential file " + file + " is accessible to other users ("
                        + PosixFilePermissions.toString(perms) + "); chmod 600 it");
            }
        }
        Properties p = new Properties();
        p.load(new StringReader(new String(readBounded(file, 64 * 1024), StandardCharsets.UTF_8)));
        String secret = p.getProperty("credential");
        if (secret == null || secret.isBlank()) {
            throw new IOException("credential file " + file + " has no credential= line; enroll again");
        }
        return new Credential(p.getProperty("server"), p.getProperty("hostId"), p.getProperty("hostName"), secret.strip(),
                p.getProperty("caFile"), p.getProperty("bundleKey"));
    }

    // ------------------------------------------------------------------ spool

    /** Adds a report to the spool; the name sorts after every earlier one (time, then a nano tie-breaker). */
    static Path spool(Path spoolDir, String reportId, byte[] report) throws IOException {
        ensurePrivateDir(spoolDir);
        // the same report spooled twice (e.g. upload of a file already queued) is kept once
        for (Path p : spooled(spoolDir)) {
            if (p.getFileName().toString().endsWith("-" + reportId + ".json")) {
                return p;
            }
        }
        long now = System.currentTimeMillis();
        String name = String.format("%013d-%09d-%s.json", now, Math.floorMod(System.nanoTime(), 1_000_000_000L), reportId);
        Path target = spoolDir.resolve(name);
        writeAtomically(target, report);
        return target;
    }

    /** Spooled reports, oldest first. Temp files and the rejected folder are not listed. */
    static List<Path> spooled(Path spoolDir) throws IOException {
        if (!Files.isDirectory(spoolDir)) {
            return Collections.emptyList();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(spoolDir)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.endsWith(".json") && !n.startsWith(".") && Files.isRegularFile(p)) {
                    out.add(p);
                }
            });
        }
        Collections.sort(out);
        return out;
    }

    /** Moves a refused report to {@code rejected/} with the server's answer next to it. */
    static Path reject(Path spooled, int status, String message) throws IOException {
        Path dir = spooled.getParent().resolve("rejected");
        ensurePrivateDir(dir);
        Path target = dir.resolve(spooled.getFileName());
        // the server's message is one bounded line: it cannot add lines of its own to the file
        String reason = "HTTP " + status + "\n" + (message == null ? "" : CheckResult.bounded(message)) + "\n";
        writeAtomically(dir.resolve(spooled.getFileName().toString().replaceAll("\\.json$", ".reason.txt")),
                reason.getBytes(StandardCharsets.UTF_8));
        Files.move(spooled, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
