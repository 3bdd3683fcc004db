package org.cakb.fleet;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.cakb.testing.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.cakb.testing.FleetFixture.issueToken;
import static org.cakb.testing.FleetFixture.registerHost;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's Ed25519 bundle key: kept in fleet_signing_key, given out at enrollment, signing what agents fetch. */
@QuarkusTest
class BundleSigningTest {

    @Inject
    Database db;

    static Map<String, Object> enroll(String host) {
        String token = issueToken(registerHost(host), 1);
        return given().contentType(ContentType.JSON).body("{\"token\": \"" + token + "\"}")
                .post("/api/v1/agent/enroll").then().statusCode(201).extract().as(Map.class);
    }

    @Test
    void servedBundleVerifiesWithTheKeyGivenAtEnrollmentAndNotWithAnother() throws Exception {
        Map<String, Object> first = enroll("signing-1");
        Map<String, Object> second = enroll("signing-2");
        assertEquals("Ed25519", first.get("bundleSigningAlgorithm"));
        String key = (String) first.get("bundleSigningKey");
        assertNotNull(key);
        assertEquals(key, second.get("bundleSigningKey"), "one key for every agent");
        assertEquals(1, db.count("SELECT count(*) FROM fleet_signing_key WHERE active"));

        Response r = given().auth().oauth2((String) first.get("credential")).get("/api/v1/agent/probes");
        assertEquals(200, r.statusCode());
        byte[] body = r.asByteArray();
        String sig = r.getHeader("Cakb-Bundle-Signature");
        assertNotNull(sig, "the bundle is signed");
        PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key)));
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(pub);
        v.update(body);
        assertTrue(v.verify(Base64.getDecoder().decode(sig)));

        byte[] tampered = body.clone();
        tampered[tampered.length / 2] ^= 1;
        v.initVerify(pub);
        v.update(tampered);
        assertFalse(v.verify(Base64.getDecoder().decode(sig)), "a changed byte breaks the signature");

        PublicKey other = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded()));
        v.initVerify(other);
        v.update(body);
        assertFalse(v.verify(Base64.getDecoder().decode(sig)), "another key does not verify it");

        String stored = db.single("SELECT encode(public_key, 'base64') FROM fleet_signing_key WHERE active");
        assertArrayEquals(Base64.getDecoder().decode(key), Base64.getMimeDecoder().decode(stored), "the key is the stored one");
    }
}
