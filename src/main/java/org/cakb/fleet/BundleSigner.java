package org.cakb.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.narayana.jta.QuarkusTransaction;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The server's Ed25519 key for probe bundles, a {@link SigningKey} row (migration V11). Made on first use; when two
 * instances race, the unique index on the active row lets exactly one insert win and both use it. The agent
 * gets {@link #publicKeyBase64()} at enrollment and checks {@link #sign} of the exact bundle bytes it is served.
 */
@ApplicationScoped
public class BundleSigner {
    public static final String ALGORITHM = "Ed25519";

    private volatile Loaded key;
    private volatile String signedBody;
    private volatile String signature;

    private record Loaded(PrivateKey privateKey, String publicKeyBase64) {
    }

    /** Base64 of the X.509 SubjectPublicKeyInfo DER of the active key. */
    public String publicKeyBase64() {
        return loaded().publicKeyBase64();
    }

    /** Base64 Ed25519 signature of the UTF-8 bytes of {@code body}; the last one is cached (the bundle rarely changes). */
    public String sign(String body) {
        if (body.equals(signedBody)) {
            return signature;
        }
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(loaded().privateKey());
            s.update(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String sig = Base64.getEncoder().encodeToString(s.sign());
            signature = sig;
            signedBody = body;
            return sig;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the probe bundle: " + e.getMessage(), e);
        }
    }

    private Loaded loaded() {
        Loaded k = key;
        if (k == null) {
            synchronized (this) {
                k = key;
                if (k == null) {
                    // its own transaction: the key must be committed before anyone is given it, whatever the caller does
                    k = QuarkusTransaction.requiringNew().call(this::loadOrCreate);
                    key = k;
                }
            }
        }
        return k;
    }

    private Loaded loadOrCreate() {
        SigningKey k = QuarkusTransaction.requiringNew().call(SigningKey::findActive);
        if (k == null) {
            KeyPair pair;
            try {
                pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JRE cannot make Ed25519 keys: " + e.getMessage(), e);
            }
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    SigningKey made = new SigningKey();
                    made.algorithm = ALGORITHM;
                    made.publicKey = pair.getPublic().getEncoded();
                    made.privateKey = pair.getPrivate().getEncoded();
                    made.persist();
                });
            } catch (RuntimeException e) {
                // another server instance stored its key first (one active row): use that one
            }
            k = QuarkusTransaction.requiringNew().call(SigningKey::findActive);
            if (k == null) {
                throw new IllegalStateException("no bundle signing key could be stored in fleet_signing_key");
            }
        }
        try {
            PrivateKey priv = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(k.privateKey));
            return new Loaded(priv, Base64.getEncoder().encodeToString(k.publicKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored bundle signing key is unusable: " + e.getMessage(), e);
        }
    }
}
