-- Second factor of officials and administrators: a TOTP secret (confirmed once the
-- person typed a first code; the last step used, so no code works twice) and one-time
-- recovery codes, stored hashed.
CREATE TABLE second_factor (
    account_id    BIGINT PRIMARY KEY REFERENCES account (id),
    totp_secret   TEXT NOT NULL,
    confirmed_at  BIGINT,
    last_step     BIGINT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE recovery_code (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES account (id),
    code_hash   TEXT NOT NULL,
    used_at     BIGINT,
    UNIQUE (account_id, code_hash)
);
