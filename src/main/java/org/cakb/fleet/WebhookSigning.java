package org.cakb.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Webhook secrets and signatures. A signing secret has to be read back to sign every body (HMAC needs the secret
 * itself), so unlike the bearer secrets it cannot be stored as a hash: it is stored encrypted with AES-256-GCM under a
 * key taken from {@code cakb.webhooks.secret-key} (by default derived from the session encryption key), so a copy of
 * the database alone does not reveal it.
 * <p>
 * Signature scheme (as Stripe's): header {@value #SIGNATURE_HEADER}: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">}. Receivers recompute it over the raw body, compare in constant time and refuse timestamps older than
 * a few minutes (replay).
 */
@ApplicationScoped
public class WebhookSigning {

    public static final String SIGNATURE_HEADER = "X-CAKB-Signature";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int IV_BYTES = 12;

    @ConfigProperty(name = "cakb.webhooks.secret-key")
    String configuredKey;

    /** The header value for a body signed at {@code unixSeconds}. */
    public static String signature(String secret, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String encrypt(String secret) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Throws when the key changed since the secret was stored (the webhook then has to be registered again). */
    String decrypt(String stored) {
        try {
            byte[] all = Base64.getDecoder().decode(stored);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(128, all, 0, IV_BYTES));
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the webhook secret cannot be decrypted with the configured cakb.webhooks.secret-key "
                    + "(was the key changed?); register the webhook again", e);
        }
    }

    private SecretKeySpec key() throws GeneralSecurityException {
        if (configuredKey == null || configuredKey.length() < 16) {
            throw new IllegalStateException("cakb.webhooks.secret-key must be at least 16 characters");
        }
        byte[] k = MessageDigest.getInstance("SHA-256").digest(("cakb webhook secrets v1:" + configuredKey).getBytes(StandardCharsets.UTF_8));
        return new SecretKeySpec(k, "AES");
    }
}
