-- Second factor of officials and administrators: a TOTP secret (confirmed once the
-- person typed a first code; the last step used, so no code works twice) and one-time
-- recovery codes, stored hashed.
CREATE TABLE second_factor (
    account_id    INTEGER PRIMARY KEY REFERENCES account (id),
    totp_secret   TEXT NOT NULL,
    confirmed_at  INTEGER,
    last_step     INTEGER,
    created_at    INTEGER NOT NULL
);

CREATE TABLE recovery_code (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account (id),
    code_hash   TEXT NOT NULL,
    used_at     INTEGER,
    UNIQUE (account_id, code_hash)
);
