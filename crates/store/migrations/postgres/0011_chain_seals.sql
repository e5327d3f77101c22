-- Signed seals over the dossier events: each seal covers every event up to
-- `last_event_id` (in id order) through a running digest that starts from the previous
-- seal's, and is signed with the installation's ed25519 audit key, so deleting or
-- changing sealed events, or cutting off the last ones, is detected by `motcua verify`.

CREATE TABLE chain_seal (
    id BIGSERIAL PRIMARY KEY,
    sealed_at BIGINT NOT NULL,
    last_event_id BIGINT NOT NULL,
    -- Events covered since the start (not only since the previous seal).
    events BIGINT NOT NULL,
    digest TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL
);
