-- E-ID logins bound to the browser that started them; API tokens for integrations;
-- the profile's address, notification preferences and deletion request.
ALTER TABLE oidc_login ADD COLUMN session_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE oidc_login ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;

ALTER TABLE account ADD COLUMN address TEXT;
-- How the person wants to hear about their dossiers: 1 = yes, 0 = no.
ALTER TABLE account ADD COLUMN notify_by_email INTEGER NOT NULL DEFAULT 1;
ALTER TABLE account ADD COLUMN notify_by_sms INTEGER NOT NULL DEFAULT 1;
ALTER TABLE account ADD COLUMN deletion_requested_at INTEGER;

CREATE TABLE api_token (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES account (id),
    name          TEXT NOT NULL,
    -- SHA-256 of the secret; the secret itself is shown once and never stored.
    token_hash    TEXT NOT NULL UNIQUE,
    -- The first characters of the token, so its owner can tell tokens apart.
    prefix        TEXT NOT NULL,
    -- Space-separated scopes, e.g. `procedures:read dossiers:read`.
    scopes        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    last_used_at  INTEGER
);
CREATE INDEX api_token_account ON api_token (account_id);
