-- Foundations: the first tables, extended by later migrations.
-- Portable types (see docs/adr/0001-one-pool-any-driver.md): ids are 64-bit integers,
-- timestamps are UTC microseconds, JSON is TEXT, money is integer đồng.

CREATE TABLE meta (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE admin_unit (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    level          TEXT NOT NULL CHECK (level IN ('province', 'commune')),
    code           BIGINT NOT NULL,
    name           TEXT NOT NULL,
    codename       TEXT NOT NULL,
    division_type  TEXT NOT NULL,
    parent_id      BIGINT REFERENCES admin_unit (id),
    superseded_by  BIGINT REFERENCES admin_unit (id),
    superseded_at  BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (level, code)
);
CREATE INDEX admin_unit_parent ON admin_unit (parent_id);

CREATE TABLE admin_unit_change (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    BIGINT NOT NULL REFERENCES admin_unit (id),
    change     TEXT NOT NULL CHECK (change IN ('added', 'renamed', 'moved', 'superseded', 'restored')),
    old_value  TEXT,
    new_value  TEXT,
    import_id  TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX admin_unit_change_unit ON admin_unit_change (unit_id);

CREATE TABLE agency (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    level          TEXT NOT NULL CHECK (level IN ('central', 'province', 'department', 'commune')),
    admin_unit_id  BIGINT REFERENCES admin_unit (id),
    parent_id      BIGINT REFERENCES agency (id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX agency_parent ON agency (parent_id);

CREATE TABLE account (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('citizen', 'organisation', 'official', 'admin')),
    full_name      TEXT NOT NULL,
    citizen_id     TEXT UNIQUE,
    tax_code       TEXT UNIQUE,
    email          TEXT UNIQUE,
    phone          TEXT,
    password_hash  TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    disabled_at    BIGINT
);

CREATE TABLE role_grant (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES account (id),
    agency_id   BIGINT REFERENCES agency (id),
    role        TEXT NOT NULL CHECK (role IN ('reception', 'specialist', 'leader', 'agency_admin', 'volunteer', 'system_admin')),
    granted_at  BIGINT NOT NULL,
    UNIQUE (account_id, agency_id, role)
);
CREATE INDEX role_grant_agency ON role_grant (agency_id);
-- NULLs are distinct in UNIQUE constraints: system-wide roles need their own index.
CREATE UNIQUE INDEX role_grant_system ON role_grant (account_id, role) WHERE agency_id IS NULL;

-- People who act for an organisation account.
CREATE TABLE representative (
    organisation_id  BIGINT NOT NULL REFERENCES account (id),
    person_id        BIGINT NOT NULL REFERENCES account (id),
    since            BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, person_id)
);

CREATE TABLE procedure (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    field            TEXT NOT NULL,
    online_service   TEXT NOT NULL CHECK (online_service IN ('full', 'partial', 'none')),
    current_version  BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE TABLE procedure_version (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    procedure_id  BIGINT NOT NULL REFERENCES procedure (id),
    version       BIGINT NOT NULL,
    data          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (procedure_id, version)
);

CREATE TABLE procedure_agency (
    procedure_id  BIGINT NOT NULL REFERENCES procedure (id),
    agency_id     BIGINT NOT NULL REFERENCES agency (id),
    PRIMARY KEY (procedure_id, agency_id)
);

CREATE TABLE file (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,
    size         BIGINT NOT NULL,
    mime         TEXT NOT NULL,
    storage_key  TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE dossier (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    procedure_version_id  BIGINT NOT NULL REFERENCES procedure_version (id),
    agency_id             BIGINT NOT NULL REFERENCES agency (id),
    applicant_id          BIGINT REFERENCES account (id),
    channel               TEXT NOT NULL CHECK (channel IN ('online', 'counter', 'post', 'assisted', 'inter_agency')),
    state                 TEXT NOT NULL,
    form_data             TEXT NOT NULL DEFAULT '{}',
    priority              BIGINT NOT NULL DEFAULT 0,
    received_at           BIGINT,
    due_at                BIGINT,
    version               BIGINT NOT NULL DEFAULT 1,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX dossier_agency_state ON dossier (agency_id, state);
CREATE INDEX dossier_applicant ON dossier (applicant_id);

CREATE TABLE dossier_event (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id  BIGINT NOT NULL REFERENCES dossier (id),
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    actor_id    BIGINT REFERENCES account (id),
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
CREATE FUNCTION dossier_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dossier_event is append-only';
END;
$$;
CREATE TRIGGER dossier_event_no_change BEFORE UPDATE OR DELETE ON dossier_event
    FOR EACH ROW EXECUTE FUNCTION dossier_event_append_only();

CREATE TABLE outbox (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic         TEXT NOT NULL,
    dedup_key     TEXT,
    payload       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    available_at  BIGINT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    claimed_at    BIGINT,
    claimed_by    TEXT,
    done_at       BIGINT,
    last_error    TEXT
);
CREATE INDEX outbox_pending ON outbox (available_at) WHERE done_at IS NULL;
-- A key de-duplicates jobs only while one is queued: once done, it may be queued again.
CREATE UNIQUE INDEX outbox_dedup ON outbox (dedup_key) WHERE done_at IS NULL;
