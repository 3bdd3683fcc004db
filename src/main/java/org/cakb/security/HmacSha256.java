package org.cakb.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * HMAC-SHA256 under one key, with a keyed {@link Mac} per thread: looking a Mac up and keying it cost more than the
 * signature itself, and the session cookie and the CSRF pair are signed or checked on every signed-in request.
 */
final class HmacSha256 {

    private final ThreadLocal<Mac> macs;

    HmacSha256(byte[] key) {
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(spec);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    byte[] sign(byte[] data) {
        return macs.get().doFinal(data); // doFinal leaves the Mac ready for the next message under the same key
    }
}
