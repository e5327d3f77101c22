-- Sign-in sessions (the cookie holds a random token; only its SHA-256 is stored),
-- security events for the audit log, and sign-in throttling state.
CREATE TABLE web_session (
    id_hash           TEXT PRIMARY KEY,
    account_id        BIGINT REFERENCES account (id),
    csrf_token        TEXT NOT NULL,
    second_factor_at  BIGINT,
    created_at        BIGINT NOT NULL,
    last_seen_at      BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    ip                TEXT NOT NULL DEFAULT '',
    user_agent        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX web_session_account ON web_session (account_id);
CREATE INDEX web_session_expires ON web_session (expires_at);

CREATE TABLE security_event (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT NOT NULL,
    account_id  BIGINT REFERENCES account (id),
    kind        TEXT NOT NULL,
    ip          TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_event_account ON security_event (account_id, at);

CREATE TABLE sign_in_throttle (
    key               TEXT PRIMARY KEY,
    failures          BIGINT NOT NULL,
    first_failure_at  BIGINT NOT NULL,
    blocked_until     BIGINT NOT NULL
);
