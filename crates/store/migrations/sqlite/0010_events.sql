-- The domain event stream: one row per change of a dossier, written in the same
-- transaction as the change (motcua_domain::events::DomainEvent as JSON), and its
-- delivery to each named handler of the application: at least once, with an
-- idempotency key per event x handler, exponential back-off and dead letters.

CREATE TABLE domain_event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    dossier_id INTEGER REFERENCES dossier (id),
    actor_id INTEGER REFERENCES account (id),
    payload TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    -- When the event was handed out to the handlers (a delivery row each).
    fanned_out_at INTEGER
);
CREATE INDEX domain_event_dossier ON domain_event (dossier_id, id);
CREATE INDEX domain_event_unfanned ON domain_event (id) WHERE fanned_out_at IS NULL;

CREATE TABLE event_delivery (
    event_id INTEGER NOT NULL REFERENCES domain_event (id),
    handler TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    available_at INTEGER NOT NULL,
    claimed_at INTEGER,
    claimed_by TEXT,
    done_at INTEGER,
    -- Given up after too many failures: listed to system administrators, who may retry.
    dead_at INTEGER,
    last_error TEXT,
    PRIMARY KEY (event_id, handler)
);
CREATE INDEX event_delivery_due ON event_delivery (available_at) WHERE done_at IS NULL AND dead_at IS NULL;
CREATE INDEX event_delivery_dead ON event_delivery (dead_at) WHERE dead_at IS NOT NULL;
