-- The Ed25519 key the server signs probe bundles with (issue #14, "safe by construction"). The server makes it on
-- first use and keeps it; agents receive the public key at enrollment and refuse a served bundle without a valid
-- signature. At most one key is active; the private key (PKCS#8 DER) never leaves the server.
CREATE TABLE fleet_signing_key (
    id           bigserial   PRIMARY KEY,
    algorithm    text        NOT NULL CHECK (algorithm = 'Ed25519'),
    public_key   bytea       NOT NULL,
    private_key  bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    active       boolean     NOT NULL DEFAULT true
);

CREATE UNIQUE INDEX fleet_signing_key_one_active ON fleet_signing_key (active) WHERE active;
