-- Foundations: the first tables, extended by later migrations.
-- Portable types (see docs/adr/0001-one-pool-any-driver.md): ids are 64-bit integers,
-- timestamps are UTC microseconds, JSON is TEXT, money is integer đồng.

CREATE TABLE meta (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE admin_unit (
    id             INTEGER PRIMARY KEY,
    level          TEXT NOT NULL CHECK (level IN ('province', 'commune')),
    code           INTEGER NOT NULL,
    name           TEXT NOT NULL,
    codename       TEXT NOT NULL,
    division_type  TEXT NOT NULL,
    parent_id      INTEGER REFERENCES admin_unit (id),
    superseded_by  INTEGER REFERENCES admin_unit (id),
    superseded_at  INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (level, code)
);
CREATE INDEX admin_unit_parent ON admin_unit (parent_id);

CREATE TABLE admin_unit_change (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES admin_unit (id),
    change     TEXT NOT NULL CHECK (change IN ('added', 'renamed', 'moved', 'superseded', 'restored')),
    old_value  TEXT,
    new_value  TEXT,
    import_id  TEXT NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX admin_unit_change_unit ON admin_unit_change (unit_id);

CREATE TABLE agency (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    level          TEXT NOT NULL CHECK (level IN ('central', 'province', 'department', 'commune')),
    admin_unit_id  INTEGER REFERENCES admin_unit (id),
    parent_id      INTEGER REFERENCES agency (id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX agency_parent ON agency (parent_id);

CREATE TABLE account (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('citizen', 'organisation', 'official', 'admin')),
    full_name      TEXT NOT NULL,
    citizen_id     TEXT UNIQUE,
    tax_code       TEXT UNIQUE,
    email          TEXT UNIQUE,
    phone          TEXT,
    password_hash  TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    disabled_at    INTEGER
);

CREATE TABLE role_grant (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account (id),
    agency_id   INTEGER REFERENCES agency (id),
    role        TEXT NOT NULL CHECK (role IN ('reception', 'specialist', 'leader', 'agency_admin', 'volunteer', 'system_admin')),
    granted_at  INTEGER NOT NULL,
    UNIQUE (account_id, agency_id, role)
);
CREATE INDEX role_grant_agency ON role_grant (agency_id);
-- NULLs are distinct in UNIQUE constraints: system-wide roles need their own index.
CREATE UNIQUE INDEX role_grant_system ON role_grant (account_id, role) WHERE agency_id IS NULL;

-- People who act for an organisation account.
CREATE TABLE representative (
    organisation_id  INTEGER NOT NULL REFERENCES account (id),
    person_id        INTEGER NOT NULL REFERENCES account (id),
    since            INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, person_id)
);

CREATE TABLE procedure (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    field            TEXT NOT NULL,
    online_service   TEXT NOT NULL CHECK (online_service IN ('full', 'partial', 'none')),
    current_version  INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

CREATE TABLE procedure_version (
    id            INTEGER PRIMARY KEY,
    procedure_id  INTEGER NOT NULL REFERENCES procedure (id),
    version       INTEGER NOT NULL,
    data          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (procedure_id, version)
);

CREATE TABLE procedure_agency (
    procedure_id  INTEGER NOT NULL REFERENCES procedure (id),
    agency_id     INTEGER NOT NULL REFERENCES agency (id),
    PRIMARY KEY (procedure_id, agency_id)
);

CREATE TABLE file (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,
    size         INTEGER NOT NULL,
    mime         TEXT NOT NULL,
    storage_key  TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE dossier (
    id                    INTEGER PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    procedure_version_id  INTEGER NOT NULL REFERENCES procedure_version (id),
    agency_id             INTEGER NOT NULL REFERENCES agency (id),
    applicant_id          INTEGER REFERENCES account (id),
    channel               TEXT NOT NULL CHECK (channel IN ('online', 'counter', 'post', 'assisted', 'inter_agency')),
    state                 TEXT NOT NULL,
    form_data             TEXT NOT NULL DEFAULT '{}',
    priority              INTEGER NOT NULL DEFAULT 0,
    received_at           INTEGER,
    due_at                INTEGER,
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
CREATE INDEX dossier_agency_state ON dossier (agency_id, state);
CREATE INDEX dossier_applicant ON dossier (applicant_id);

CREATE TABLE dossier_event (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossier (id),
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES account (id),
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (dossier_id, seq)
);

-- The dossier history is append-only: the database itself refuses edits and deletions.
CREATE TRIGGER dossier_event_no_update BEFORE UPDATE ON dossier_event
BEGIN
    SELECT RAISE(ABORT, 'dossier_event is append-only');
END;
CREATE TRIGGER dossier_event_no_delete BEFORE DELETE ON dossier_event
BEGIN
    SELECT RAISE(ABORT, 'dossier_event is append-only');
END;

CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    topic         TEXT NOT NULL,
    dedup_key     TEXT,
    payload       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    available_at  INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_at    INTEGER,
    claimed_by    TEXT,
    done_at       INTEGER,
    last_error    TEXT
);
CREATE INDEX outbox_pending ON outbox (available_at) WHERE done_at IS NULL;
-- A key de-duplicates jobs only while one is queued: once done, it may be queued again.
CREATE UNIQUE INDEX outbox_dedup ON outbox (dedup_key) WHERE done_at IS NULL;
