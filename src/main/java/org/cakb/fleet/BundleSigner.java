package org.cakb.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import io.quarkus.narayana.jta.QuarkusTransaction;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The server's Ed25519 key for probe bundles, kept in {@code fleet_signing_key} (migration V11). Made on first use;
 * when two instances race, the unique index on the active row lets exactly one insert win and both use it. The agent
 * gets {@link #publicKeyBase64()} at enrollment and checks {@link #sign} of the exact bundle bytes it is served.
 */
@ApplicationScoped
public class BundleSigner {
    public static final String ALGORITHM = "Ed25519";

    @Inject
    EntityManager em;

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
        List<?> rows = active();
        if (rows.isEmpty()) {
            try {
                KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
                em.createNativeQuery("INSERT INTO fleet_signing_key (algorithm, public_key, private_key) VALUES (?1, ?2, ?3)"
                        + " ON CONFLICT (active) WHERE active DO NOTHING")
                        .setParameter(1, ALGORITHM)
                        .setParameter(2, pair.getPublic().getEncoded())
                        .setParameter(3, pair.getPrivate().getEncoded())
                        .executeUpdate();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JRE cannot make Ed25519 keys: " + e.getMessage(), e);
            }
            rows = active();
        }
        Object[] row = (Object[]) rows.get(0);
        try {
            PrivateKey priv = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec((byte[]) row[1]));
            return new Loaded(priv, Base64.getEncoder().encodeToString((byte[]) row[0]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored bundle signing key is unusable: " + e.getMessage(), e);
        }
    }

    private List<?> active() {
        return em.createNativeQuery("SELECT public_key, private_key FROM fleet_signing_key WHERE active ORDER BY id LIMIT 1")
                .getResultList();
    }
}
