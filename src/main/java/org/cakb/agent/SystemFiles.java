package org.cakb.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The one gate through which the agent looks at the system. Every path is checked against {@link AllowList} twice:
 * as asked, and as it really resolves (so a symlink cannot lead out of the allowed roots). Content is read only from
 * regular files (procfs and sysfs entries are regular files), never from FIFOs, sockets or devices, and at most
 * {@link #MAX_READ} bytes. A refused path throws {@link ReadRefused} before anything is opened.
 *
 * <p>Tests point the gate at a directory laid out like {@code /} (for example {@code fixture/proc/self/status}); the
 * same rules apply inside it, and a symlink that leaves the fixture directory is refused too.
 * Nothing here writes, executes or changes anything.
 */
public final class SystemFiles {
    /** Largest content read from one file; a larger one is refused (a host's mountinfo is well below). */
    public static final int MAX_READ = 4 * 1024 * 1024;

    private final Path root;
    private final Path realRoot;
    private final Map<String, String> env;

    private SystemFiles(Path root, Map<String, String> env) {
        this.root = root;
        Path rr = root;
        if (root != null) {
            try {
                rr = root.toRealPath();
            } catch (IOException e) {
                rr = root.toAbsolutePath().normalize();
            }
        }
        this.realRoot = rr;
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

    private Path path(String abs) {
        if (root == null) {
            return Paths.get(abs);
        }
        String rel = abs;
        while (rel.startsWith("/")) {
            rel = rel.substring(1);
        }
        return rel.isEmpty() ? root : root.resolve(rel);
    }

    /** The gate's answer: the real file to use, or null when the path does not exist. */
    private Path gate(String abs, AllowList.Access access, boolean follow) {
        AllowList.Rule rule = AllowList.permits(abs, access);
        if (rule == null) {
            throw new ReadRefused("refused: " + verb(access) + " " + printable(abs)
                    + " is outside the agent's allow-list (no rule permits it; see docs/agent.md, Allow-list); nothing was read");
        }
        if (rule.pattern.equals(AllowList.CMDLINE_PATTERN)) {
            String comm = readTrim(abs.substring(0, abs.lastIndexOf('/')) + "/comm");
            if (comm == null || !AllowList.ENGINE_DAEMONS.contains(comm)) {
                throw new ReadRefused("refused: " + printable(abs) + ": rule " + rule.pattern
                        + " applies to engine daemons only, this process is " + (comm == null ? "gone" : printable(comm)));
            }
        }
        Path p = path(abs);
        Path real;
        try {
            if (follow) {
                real = realFollowing(p);
            } else {
                Path parent = p.getParent();
                real = parent == null ? p : parent.toRealPath().resolve(p.getFileName());
                if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
                    return null;
                }
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | SecurityException e) {
            return p; // e.g. a search permission problem: the later open reports it, on the path as asked
        }
        String realAbs = abstractPath(real);
        if (realAbs == null) {
            throw new ReadRefused("refused: " + printable(abs) + " resolves outside the root it was asked under; nothing was read");
        }
        if (!realAbs.equals(abs) && AllowList.permits(realAbs, access) == null) {
            throw new ReadRefused("refused: " + printable(abs) + " (rule " + rule.pattern + ") resolves to " + printable(realAbs)
                    + ", which no rule permits: symlinks may not leave the allowed roots; nothing was read");
        }
        return real;
    }

    private final Map<String, Object> remembered = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A fact derived from files that every check of this run may ask for again (the engine daemons' command lines):
     * computed once per run, as the files are read once per run.
     */
    @SuppressWarnings("unchecked")
    <T> T remember(String key, java.util.function.Supplier<T> compute) {
        Object v = remembered.get(key);
        if (v == null) {
            v = compute.get();
            remembered.put(key, v);
        }
        return (T) v;
    }

    /** Real paths of directories already resolved in this run (a host run reads many files in each /proc/<pid>). */
    private final Map<Path, Path> realDirectories = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * {@code p.toRealPath()}, with the directory part resolved once per directory: the last component is looked at
     * without following it, and only a symlink there costs a full resolution. Same answer, a fraction of the system
     * calls (realpath was a quarter of a 100-container host run).
     */
    private Path realFollowing(Path p) throws IOException {
        Path parent = p.getParent();
        if (parent == null) {
            return p.toRealPath();
        }
        Path realParent = realDirectories.get(parent);
        if (realParent == null) {
            realParent = parent.toRealPath();
            if (realDirectories.size() < 20_000) {
                realDirectories.put(parent, realParent);
            }
        }
        Path candidate = realParent.resolve(p.getFileName());
        BasicFileAttributes a = Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.isSymbolicLink() ? p.toRealPath() : candidate;
    }

    private String abstractPath(Path real) {
        if (root == null) {
            return real.toString();
        }
        if (!real.startsWith(realRoot)) {
            return null;
        }
        String rel = realRoot.relativize(real).toString();
        return rel.isEmpty() ? "/" : "/" + rel;
    }

    private static String verb(AllowList.Access a) {
        switch (a) {
            case READ: return "reading";
            case LIST: return "listing";
            case LINK: return "reading the link";
            default: return "looking at";
        }
    }

    /** A path or name safe to put in a message: control characters replaced, length bounded. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < s.length() && b.length() < 200; k++) {
            char c = s.charAt(k);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.length() < s.length() ? b + "..." : b.toString();
    }

    /** Content of a regular file in the allow-list, or null when it is absent or unreadable. */
    private byte[] bytes(String abs) throws IOException {
        return bytes(abs, AllowList.Access.READ);
    }

    private byte[] bytes(String abs, AllowList.Access access) throws IOException {
        Path real = gate(abs, access, true);
        if (real == null) {
            throw new NoSuchFileException(abs);
        }
        BasicFileAttributes at = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!at.isRegularFile()) {
            throw new ReadRefused("refused: " + printable(abs) + " is not a regular file ("
                    + (at.isDirectory() ? "a directory" : "a FIFO, socket or device") + "); nothing was read");
        }
        try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
            return readBounded(in, abs);
        }
    }

    /** Reused read buffer: a host run reads thousands of small procfs files, one at a time. */
    private byte[] buffer = new byte[16 * 1024];

    private synchronized byte[] readBounded(InputStream in, String abs) throws IOException {
        int n = 0;
        while (true) {
            if (n == buffer.length) {
                if (buffer.length > MAX_READ) {
                    throw new ReadRefused("refused: " + printable(abs) + " is larger than " + MAX_READ + " bytes");
                }
                buffer = java.util.Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_READ + 1));
            }
            int r = in.read(buffer, n, buffer.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        if (n > MAX_READ) {
            throw new ReadRefused("refused: " + printable(abs) + " is larger than " + MAX_READ + " bytes");
        }
        byte[] b = java.util.Arrays.copyOf(buffer, n);
        if (buffer.length > 64 * 1024) {
            buffer = new byte[16 * 1024]; // do not keep a large file's buffer for the rest of the run
        }
        return b;
    }

    /**
     * The named string fields of a JSON file whose rule permits exactly those fields (runtime metadata such as a Docker
     * container's config.v2.json, which also holds its environment): the file is parsed here and only those values
     * leave this method, each at most 512 characters. Field paths use '/' between object keys. Null when the file is
     * absent, unreadable or not a JSON object; a field that is absent or not a string is left out.
     */
    public Map<String, String> readFields(String abs, List<String> fields) {
        AllowList.Rule rule = AllowList.permits(abs, AllowList.Access.FIELDS);
        if (rule == null || !rule.fields.containsAll(fields)) {
            throw new ReadRefused("refused: reading fields " + fields + " of " + printable(abs)
                    + " is outside the agent's allow-list (no rule permits them; see docs/agent.md, Allow-list); nothing was read");
        }
        byte[] b;
        try {
            b = bytes(abs, AllowList.Access.FIELDS);
        } catch (IOException | SecurityException e) {
            return null;
        }
        Object root;
        try {
            root = Json.parse(new String(b, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!(root instanceof Map)) {
            return null;
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String f : fields) {
            Object o = root;
            for (String key : f.split("/")) {
                o = o instanceof Map ? ((Map<?, ?>) o).get(key) : null;
            }
            if (o instanceof String) {
                String v = (String) o;
                out.put(f, v.length() <= 512 ? v : v.substring(0, 512));
            }
        }
        return out;
    }

    /** The whole file as text, or null when it is absent or unreadable; {@link ReadRefused} outside the allow-list. */
    public String read(String abs) {
        try {
            return new String(bytes(abs), StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** Why {@link #read} returned null: "absent", "readable" or the exception's short description. */
    public String readProblem(String abs) {
        try {
            bytes(abs);
            return "readable";
        } catch (NoSuchFileException e) {
            return "absent";
        } catch (IOException | SecurityException e) {
            String m = e.getMessage();
            return e.getClass().getSimpleName() + (m == null ? "" : ": " + printable(m));
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
        return gate(abs, AllowList.Access.STAT, false) != null;
    }

    public boolean isDirectory(String abs) {
        Path real = gate(abs, AllowList.Access.STAT, true);
        return real != null && Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS);
    }

    /** True for device nodes, sockets and fifos (neither file, directory nor symlink). */
    public boolean isSpecial(String abs) {
        Path real = gate(abs, AllowList.Access.STAT, true);
        if (real == null) {
            return false;
        }
        try {
            BasicFileAttributes at = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return at.isOther();
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Whether a regular file can be opened for reading by this process; opens and closes it, reads nothing. */
    public boolean canOpen(String abs) {
        Path real = gate(abs, AllowList.Access.STAT, true);
        if (real == null || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** access(2) W_OK as the current process: a question to the kernel, nothing is written. */
    public boolean isWritable(String abs) {
        Path real = gate(abs, AllowList.Access.STAT, true);
        return real != null && Files.isWritable(real);
    }

    /** Names in a directory, sorted; empty when absent or unreadable. */
    public List<String> list(String abs) {
        Path real = gate(abs, AllowList.Access.LIST, true);
        List<String> out = new ArrayList<>();
        if (real == null) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(real)) {
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
        Path real = gate(abs, AllowList.Access.LINK, false);
        if (real == null) {
            return null;
        }
        try {
            return Files.readSymbolicLink(real).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** A variable of the agent's own environment (never another process's). */
    public String env(String name) {
        return env.get(name);
    }
}
