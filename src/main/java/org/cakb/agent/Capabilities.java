package org.cakb.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Decodes capability bit masks (CapEff, CapPrm, CapBnd, CapAmb, CapInh of /proc/self/status) into names, per capabilities(7). */
public final class Capabilities {
    /** Bit number → name, as in linux/capability.h up to CAP_CHECKPOINT_RESTORE (40). */
    static final String[] NAMES = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    };

    private Capabilities() {
    }

    /** Parses the hexadecimal mask (e.g. "00000000a80425fb"); throws NumberFormatException when malformed. */
    public static long parseMask(String hex) {
        String h = hex.trim();
        if (h.isEmpty() || h.length() > 16) {
            throw new NumberFormatException("not a 64-bit hex mask: " + hex);
        }
        return Long.parseUnsignedLong(h, 16);
    }

    /** Names of the set bits; unknown bits become "CAP_<n>". */
    public static List<String> names(long mask) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) != 0) {
                out.add(bit < NAMES.length ? NAMES[bit] : "CAP_" + bit);
            }
        }
        return out;
    }

    /** Bit number for a name ("CAP_SYS_ADMIN", "sys_admin" or "SYS_ADMIN"), or -1. */
    public static int bit(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (!n.startsWith("CAP_")) {
            n = "CAP_" + n;
        }
        for (int k = 0; k < NAMES.length; k++) {
            if (NAMES[k].equals(n)) {
                return k;
            }
        }
        return -1;
    }

    public static long mask(List<String> names) {
        long m = 0;
        for (String n : names) {
            int b = bit(n);
            if (b < 0) {
                throw new IllegalArgumentException("unknown capability " + n);
            }
            m |= 1L << b;
        }
        return m;
    }
}
