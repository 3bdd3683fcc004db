package org.cakb.agent;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 verification of a served probe bundle: the server signs the exact bytes of the bundle body and sends the
 * signature (base64) in the {@value FleetClient#SIGNATURE_HEADER} header; the agent received the server's public key
 * (base64 X.509 SubjectPublicKeyInfo) at enrollment. JDK only (Ed25519 is in the JDK since 15).
 */
final class BundleSignature {
    static final String ALGORITHM = "Ed25519";

    private BundleSignature() {
    }

    /** Parses a base64 X.509 Ed25519 public key; IllegalArgumentException when it is not one. */
    static PublicKey publicKey(String base64) {
        try {
            byte[] der = Base64.getDecoder().decode(base64.strip());
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException | NullPointerException e) {
            throw new IllegalArgumentException("not a base64 Ed25519 public key");
        }
    }

    /** Null when {@code signature} is a valid signature of {@code body} by {@code key}, otherwise why not. */
    static String problem(byte[] body, String signature, String key) {
        if (key == null) {
            return "this host has no bundle signing key from the server (enrolled before bundles were signed: enroll again with --force)";
        }
        if (signature == null || signature.isBlank()) {
            return "the bundle is not signed (no " + FleetClient.SIGNATURE_HEADER + " header)";
        }
        if (body == null) {
            return "the bundle body is missing";
        }
        try {
            Signature v = Signature.getInstance(ALGORITHM);
            v.initVerify(publicKey(key));
            v.update(body);
            byte[] sig = Base64.getDecoder().decode(signature.strip());
            return v.verify(sig) ? null : "the bundle signature does not verify with the server's key";
        } catch (IllegalArgumentException e) {
            return "the bundle signature is malformed (" + e.getMessage() + ")";
        } catch (GeneralSecurityException e) {
            return "the bundle signature does not verify (" + e.getMessage() + ")";
        }
    }
}
