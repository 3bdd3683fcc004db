package org.cakb.assessment;

import org.cakb.common.DomainException;

import org.cakb.common.Validation;


import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Evidence file rules: at most {@link #MAX_BYTES}, and a type from the allowlist decided by the file's first bytes
 * (magic numbers), not by the name or the Content-Type the client sent. A declared type that contradicts the
 * bytes is refused.
 */
public final class Attachments {

    public static final int MAX_BYTES = 5 * 1024 * 1024;
    public static final List<String> ALLOWED = List.of("application/pdf", "image/png", "image/jpeg", "text/plain");
    private static final Set<String> GENERIC = Set.of("application/octet-stream", "binary/octet-stream");

    public record Checked(String filename, String contentType, String sha256) {
    }

    private Attachments() {
    }

    public static Checked check(String filename, String declaredType, byte[] data) {
        if (data == null || data.length == 0) {
            throw Validation.field("file", "the file is empty");
        }
        if (data.length > MAX_BYTES) {
            throw tooLarge(data.length);
        }
        String detected = detect(data);
        if (detected == null) {
            throw new DomainException(DomainException.Kind.UNSUPPORTED_TYPE, "file type not allowed: its content is not one of "
                    + String.join(", ", ALLOWED) + " (checked by the file's first bytes)");
        }
        String declared = declaredType == null ? "" : declaredType.split(";")[0].strip().toLowerCase();
        if (!declared.isEmpty() && !GENERIC.contains(declared) && !declared.equals(detected)
                && !(detected.equals("text/plain") && declared.startsWith("text/"))) {
            throw new DomainException(DomainException.Kind.UNSUPPORTED_TYPE, "the file was sent as " + declared
                    + " but its content is " + detected + "; nothing was stored");
        }
        return new Checked(cleanName(filename), detected, sha256(data));
    }

    public static DomainException tooLarge(long size) {
        return new DomainException(DomainException.Kind.TOO_LARGE, "file too large: " + size + " bytes; the limit is "
                + MAX_BYTES + " bytes (5 MiB); nothing was stored");
    }

    /** The allowlisted type the bytes are, or null. */
    static String detect(byte[] d) {
        if (startsWith(d, 0x25, 0x50, 0x44, 0x46, 0x2D)) {
            return "application/pdf";                                   // %PDF-
        }
        if (startsWith(d, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (startsWith(d, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (isText(d)) {
            return "text/plain";
        }
        return null;
    }

    private static boolean startsWith(byte[] d, int... magic) {
        if (d.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((d[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** Valid UTF-8 without NUL or other control characters besides tab, CR, LF, FF. */
    private static boolean isText(byte[] d) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(d)).toString();
            return s.chars().noneMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7F);
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    static String cleanName(String filename) {
        String name = filename == null ? "" : filename.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).replaceAll("[\\p{Cntrl}\"]", "").strip();
        if (name.isEmpty()) {
            name = "evidence";
        }
        return name.length() > 255 ? name.substring(name.length() - 255) : name;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
