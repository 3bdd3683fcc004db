package org.cakb.common;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Name-based (version 5, SHA-1) UUIDs: the same name always gives the same UUID, so exports of unchanged data
 * carry unchanged identifiers. OSCAL accepts only version 4 or 5 UUIDs.
 */
public final class StableUuid {

    /** This product's namespace, itself a v5 UUID of its name in the RFC 4122 URL namespace. */
    private static final UUID NAMESPACE = v5(UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "https://cakb.invalid/");

    private StableUuid() {
    }

    /** SHA-1 already fed with the namespace; exports make hundreds of thousands of UUIDs, so each call clones it. */
    private static final MessageDigest PRIMED = sha1(NAMESPACE);

    public static UUID of(String name) {
        try {
            return fromHash(((MessageDigest) PRIMED.clone()).digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            return v5(NAMESPACE, name);
        }
    }

    static UUID v5(UUID namespace, String name) {
        return fromHash(sha1(namespace).digest(name.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha1(UUID namespace) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits()).array());
            return sha1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UUID fromHash(byte[] hash) {
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
