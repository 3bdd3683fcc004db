package org.cakb.security;

import io.quarkus.security.identity.SecurityIdentity;

import java.util.Optional;

/**
 * Turns a bearer secret into an identity. Each kind of machine secret (agent credential, API token) has one;
 * a resolver answers only for secrets with its own prefix. Called on a worker thread.
 */
public interface BearerTokenResolver {

    boolean handles(String token);

    /** The identity, or empty when the secret is unknown, revoked or expired. */
    Optional<SecurityIdentity> resolve(String token);
}
