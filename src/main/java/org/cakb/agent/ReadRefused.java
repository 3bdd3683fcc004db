package org.cakb.agent;

/**
 * Thrown by {@link SystemFiles} when a path is outside the allow-list, resolves (through a symlink) to a path
 * outside it, or is not a regular file or kernel entry. Nothing was read. A check that meets it ends in an
 * {@code error} result carrying {@link #getMessage()}.
 */
public final class ReadRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReadRefused(String message) {
        super(message, null, false, false);
    }
}
