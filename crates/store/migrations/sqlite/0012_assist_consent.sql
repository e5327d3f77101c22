-- One-time codes get a purpose more: a person's consent, read out at a counter, that a
-- helper files for them. SQLite cannot change a CHECK constraint, so the table is
-- rebuilt (nothing refers to it).
CREATE TABLE one_time_code_new (
    id          INTEGER PRIMARY KEY,
    purpose     TEXT NOT NULL CHECK (purpose IN ('phone_sign_in', 'phone_verify', 'email_verify', 'account_setup', 'password_reset', 'assist_consent')),
    target      TEXT NOT NULL,
    account_id  INTEGER REFERENCES account (id),
    code_hash   TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
INSERT INTO one_time_code_new (id, purpose, target, account_id, code_hash, attempts, created_at, expires_at, used_at)
    SELECT id, purpose, target, account_id, code_hash, attempts, created_at, expires_at, used_at FROM one_time_code;
DROP TABLE one_time_code;
ALTER TABLE one_time_code_new RENAME TO one_time_code;
CREATE INDEX one_time_code_target ON one_time_code (purpose, target, created_at);
CREATE INDEX one_time_code_hash ON one_time_code (code_hash);
