-- Ways in for citizens: verified contacts, one-time codes (SMS codes, e-mail links,
-- set-up codes handed over at the counter), the sandbox channels' sent messages, and
-- identities from the national e-ID (OpenID Connect).
ALTER TABLE account ADD COLUMN email_verified_at INTEGER;
ALTER TABLE account ADD COLUMN phone_verified_at INTEGER;
-- The official who checked the person's ID card when opening the account at a counter.
ALTER TABLE account ADD COLUMN identity_checked_by INTEGER REFERENCES account (id);
ALTER TABLE account ADD COLUMN identity_checked_at INTEGER;

CREATE TABLE one_time_code (
    id          INTEGER PRIMARY KEY,
    purpose     TEXT NOT NULL CHECK (purpose IN ('phone_sign_in', 'phone_verify', 'email_verify', 'account_setup', 'password_reset')),
    target      TEXT NOT NULL,
    account_id  INTEGER REFERENCES account (id),
    code_hash   TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX one_time_code_target ON one_time_code (purpose, target, created_at);
CREATE INDEX one_time_code_hash ON one_time_code (code_hash);

CREATE TABLE sandbox_message (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE external_identity (
    provider    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    account_id  INTEGER NOT NULL REFERENCES account (id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (provider, subject)
);

CREATE TABLE oidc_login (
    state_hash  TEXT PRIMARY KEY,
    verifier    TEXT NOT NULL,
    nonce       TEXT NOT NULL,
    next        TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);
