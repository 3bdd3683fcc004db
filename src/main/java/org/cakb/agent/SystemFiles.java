package org.cakb.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Read-only access to the kernel's and the system's files. Every path the agent reads goes through here, so tests can
 * point the agent at a directory of fixture files laid out like {@code /} (for example {@code fixture/proc/self/status}).
 * Nothing here writes, executes or changes anything.
 */
public final class SystemFiles {
    private final Path root;
    private final Map<String, String> env;

    private SystemFiles(Path root, Map<String, String> env) {
        this.root = root;
        this.env = env;
    }

    /** The running system. */
    public static SystemFiles live() {
        return new SystemFiles(null, System.getenv());
    }

    /** A fixture tree standing in for {@code /}, with the given environment. */
    public static SystemFiles at(Path root, Map<String, String> env) {
        return new SystemFiles(root, env == null ? Collections.<String, String>emptyMap() : env);
    }

    public boolean isLive() {
        return root == null;
    }

    public Path path(String abs) {
        if (root == null) {
            return Paths.get(abs);
        }
        String rel = abs;
        while (rel.startsWith("/")) {
            rel = rel.substring(1);
        }
        return rel.isEmpty() ? root : root.resolve(rel);
    }

    /** The whole file as text, or null when it is absent or unreadable. */
    public String read(String abs) {
        try (InputStream in = Files.newInputStream(path(abs))) {
            byte[] all = in.readAllBytes();
            return new String(all, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /**
     * The whole file as text when it is at most {@code maxBytes} long; null when absent, unreadable or larger (runtime
     * metadata files are parsed only when they are of a sane size).
     */
    public String readBounded(String abs, int maxBytes) {
        try (InputStream in = Files.newInputStream(path(abs))) {
            byte[] all = in.readNBytes(maxBytes + 1);
            return all.length > maxBytes ? null : new String(all, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** Why {@link #read} returned null: "absent" or the exception's short description. */
    public String readProblem(String abs) {
        Path p = path(abs);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return "absent";
        }
        try (InputStream in = Files.newInputStream(p)) {
            in.read();
            return "readable";
        } catch (IOException | SecurityException e) {
            String m = e.getMessage();
            return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        }
    }

    /** First line, trimmed, or null. */
    public String readTrim(String abs) {
        String t = read(abs);
        if (t == null) {
            return null;
        }
        int nl = t.indexOf('\n');
        return (nl >= 0 ? t.substring(0, nl) : t).trim();
    }

    public boolean exists(String abs) {
        return Files.exists(path(abs), LinkOption.NOFOLLOW_LINKS);
    }

    public boolean isDirectory(String abs) {
        return Files.isDirectory(path(abs));
    }

    /** True for device nodes, sockets and fifos (neither file, directory nor symlink). */
    public boolean isSpecial(String abs) {
        Path p = path(abs);
        return Files.exists(p) && !Files.isRegularFile(p) && !Files.isDirectory(p) && !Files.isSymbolicLink(p);
    }

    /** access(2) W_OK as the current process: a question to the kernel, nothing is written. */
    public boolean isWritable(String abs) {
        return Files.isWritable(path(abs));
    }

    /** Names in a directory, sorted; empty when absent or unreadable. */
    public List<String> list(String abs) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(path(abs))) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        } catch (IOException | SecurityException e) {
            return out;
        }
        Collections.sort(out);
        return out;
    }

    /** Target of a symbolic link (e.g. /proc/self/ns/pid), or null. */
    public String readLink(String abs) {
        try {
            return Files.readSymbolicLink(path(abs)).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    public String env(String name) {
        return env.get(name);
    }
}
