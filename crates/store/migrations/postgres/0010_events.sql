-- The domain event stream: one row per change of a dossier, written in the same
-- transaction as the change (motcua_domain::events::DomainEvent as JSON), and its
-- delivery to each named handler of the application: at least once, with an
-- idempotency key per event x handler, exponential back-off and dead letters.

CREATE TABLE domain_event (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    dossier_id BIGINT REFERENCES dossier (id),
    actor_id BIGINT REFERENCES account (id),
    payload TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    -- When the event was handed out to the handlers (a delivery row each).
    fanned_out_at BIGINT
);
CREATE INDEX domain_event_dossier ON domain_event (dossier_id, id);
CREATE INDEX domain_event_unfanned ON domain_event (id) WHERE fanned_out_at IS NULL;

CREATE TABLE event_delivery (
    event_id BIGINT NOT NULL REFERENCES domain_event (id),
    handler TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    available_at BIGINT NOT NULL,
    claimed_at BIGINT,
    claimed_by TEXT,
    done_at BIGINT,
    -- Given up after too many failures: listed to system administrators, who may retry.
    dead_at BIGINT,
    last_error TEXT,
    PRIMARY KEY (event_id, handler)
);
CREATE INDEX event_delivery_due ON event_delivery (available_at) WHERE done_at IS NULL AND dead_at IS NULL;
CREATE INDEX event_delivery_dead ON event_delivery (dead_at) WHERE dead_at IS NOT NULL;
