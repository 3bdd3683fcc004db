package org.cakb.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Parsed /proc/[pid]/mountinfo (proc(5)): one {@link Mount} per line, in kernel order. */
public final class MountInfo {
    /** One mountinfo line. */
    public static final class Mount {
        public final int id;
        public final int parent;
        public final String device;
        /** Path inside the source filesystem that is mounted here (a bind mount of /usr shows "/usr"). */
        public final String root;
        public final String mountPoint;
        public final Set<String> options;
        public final String fsType;
        public final String source;
        public final Set<String> superOptions;

        Mount(int id, int parent, String device, String root, String mountPoint, Set<String> options, String fsType,
                String source, Set<String> superOptions) {
            this.id = id;
            this.parent = parent;
            this.device = device;
            this.root = root;
            this.mountPoint = mountPoint;
            this.options = options;
            this.fsType = fsType;
            this.source = source;
            this.superOptions = superOptions;
        }

        public boolean readOnly() {
            return options.contains("ro");
        }

        @Override
        public String toString() {
            return mountPoint + " (" + fsType + " " + root + (readOnly() ? " ro" : " rw") + ")";
        }
    }

    private final List<Mount> mounts;

    private MountInfo(List<Mount> mounts) {
        this.mounts = mounts;
    }

    public static MountInfo parse(String text) {
        List<Mount> out = new ArrayList<>();
        if (text != null) {
            for (String line : text.split("\n")) {
                Mount m = parseLine(line);
                if (m != null) {
                    out.add(m);
                }
            }
        }
        return new MountInfo(out);
    }

    static Mount parseLine(String line) {
        String[] f = line.trim().split(" ");
        if (f.length < 10) {
            return null;
        }
        int sep = -1;
        for (int k = 6; k < f.length; k++) {
            if (f[k].equals("-")) {
                sep = k;
                break;
            }
        }
        if (sep < 0 || sep + 2 >= f.length) {
            return null;
        }
        try {
            return new Mount(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], unescape(f[3]), unescape(f[4]),
                    new HashSet<>(Arrays.asList(f[5].split(","))), f[sep + 1], unescape(f[sep + 2]),
                    sep + 3 < f.length ? new HashSet<>(Arrays.asList(f[sep + 3].split(","))) : Collections.<String>emptySet());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '\\' && k + 3 < s.length() && isOct(s.charAt(k + 1)) && isOct(s.charAt(k + 2)) && isOct(s.charAt(k + 3))) {
                b.append((char) Integer.parseInt(s.substring(k + 1, k + 4), 8));
                k += 3;
                continue;
            }
            b.append(c);
        }
        return b.toString();
    }

    private static boolean isOct(char c) {
        return c >= '0' && c <= '7';
    }

    public List<Mount> all() {
        return mounts;
    }

    public boolean isEmpty() {
        return mounts.isEmpty();
    }

    /** The mount that is visible at a path: the last mount whose mount point is the path or its longest ancestor. */
    public Mount covering(String path) {
        Mount best = null;
        int bestLen = -1;
        for (Mount m : mounts) {
            String mp = m.mountPoint;
            if (mp.length() >= bestLen && under(path, mp)) {
                best = m;
                bestLen = mp.length();
            }
        }
        return best;
    }

    /** Whether path is the mount point or below it (no allocation: called for every path question about a container). */
    private static boolean under(String path, String mp) {
        if (!path.startsWith(mp)) {
            return false;
        }
        return path.length() == mp.length() || mp.endsWith("/") || path.charAt(mp.length()) == '/';
    }

    /** Mounts whose mount point equals the path exactly (the last one is on top). */
    public List<Mount> at(String path) {
        List<Mount> out = new ArrayList<>();
        for (Mount m : mounts) {
            if (m.mountPoint.equals(path)) {
                out.add(m);
            }
        }
        return out;
    }
}
