-- Online submission: the person's document store, drafts with their answers and
-- attachments, the documents of submitted dossiers, and the daily sequence that numbers
-- dossier codes per agency.

CREATE TABLE stored_document (
    id           INTEGER PRIMARY KEY,
    owner_id     INTEGER NOT NULL REFERENCES account (id),
    file_id      INTEGER NOT NULL REFERENCES file (id),
    title        TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    -- `uploaded` by the person, a `result` issued to them, or a `certified_copy`.
    origin       TEXT NOT NULL CHECK (origin IN ('uploaded', 'result', 'certified_copy')),
    -- The dossier whose result or certified copy this is.
    dossier_id   INTEGER REFERENCES dossier (id),
    created_at   INTEGER NOT NULL,
    deleted_at   INTEGER
);
CREATE INDEX stored_document_owner ON stored_document (owner_id);

CREATE TABLE dossier_draft (
    id                    INTEGER PRIMARY KEY,
    -- Random, for URLs: draft numbers are not guessable.
    public_id             TEXT NOT NULL UNIQUE,
    -- The applicant (a citizen, or an organisation filed for by its representative).
    account_id            INTEGER NOT NULL REFERENCES account (id),
    -- Who filled it: the applicant, a representative, or an official at a counter.
    created_by            INTEGER NOT NULL REFERENCES account (id),
    assisted_by           INTEGER REFERENCES account (id),
    procedure_version_id  INTEGER NOT NULL REFERENCES procedure_version (id),
    agency_id             INTEGER NOT NULL REFERENCES agency (id),
    answers               TEXT NOT NULL DEFAULT '{}',
    current_step          TEXT NOT NULL DEFAULT '',
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    expires_at            INTEGER NOT NULL,
    warned_at             INTEGER,
    -- Set once, by the submission: submitting again returns this dossier.
    dossier_id            INTEGER REFERENCES dossier (id)
);
CREATE INDEX dossier_draft_account ON dossier_draft (account_id);
CREATE INDEX dossier_draft_expiry ON dossier_draft (expires_at);

CREATE TABLE draft_attachment (
    draft_id     INTEGER NOT NULL REFERENCES dossier_draft (id),
    slot         INTEGER NOT NULL,
    document_id  INTEGER NOT NULL REFERENCES stored_document (id),
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (draft_id, slot, document_id)
);

CREATE TABLE dossier_attachment (
    dossier_id   INTEGER NOT NULL REFERENCES dossier (id),
    slot         INTEGER NOT NULL,
    document_id  INTEGER NOT NULL REFERENCES stored_document (id),
    -- `submission` or `supplementation`.
    added_by     TEXT NOT NULL DEFAULT 'submission',
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (dossier_id, slot, document_id)
);

CREATE TABLE dossier_sequence (
    agency_id  INTEGER NOT NULL REFERENCES agency (id),
    day        TEXT NOT NULL,
    last       INTEGER NOT NULL,
    PRIMARY KEY (agency_id, day)
);

ALTER TABLE dossier ADD COLUMN submitted_at INTEGER;
ALTER TABLE dossier ADD COLUMN assisted_by INTEGER REFERENCES account (id);
ALTER TABLE dossier ADD COLUMN filed_by INTEGER REFERENCES account (id);

-- The applicant's rating of the service, once the result is out (1 to 5).
CREATE TABLE dossier_rating (
    dossier_id  INTEGER PRIMARY KEY REFERENCES dossier (id),
    account_id  INTEGER NOT NULL REFERENCES account (id),
    score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
