-- Online submission: the person's document store, drafts with their answers and
-- attachments, the documents of submitted dossiers, and the daily sequence that numbers
-- dossier codes per agency.

CREATE TABLE stored_document (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id     BIGINT NOT NULL REFERENCES account (id),
    file_id      BIGINT NOT NULL REFERENCES file (id),
    title        TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    -- `uploaded` by the person, a `result` issued to them, or a `certified_copy`.
    origin       TEXT NOT NULL CHECK (origin IN ('uploaded', 'result', 'certified_copy')),
    -- The dossier whose result or certified copy this is.
    dossier_id   BIGINT REFERENCES dossier (id),
    created_at   BIGINT NOT NULL,
    deleted_at   BIGINT
);
CREATE INDEX stored_document_owner ON stored_document (owner_id);

CREATE TABLE dossier_draft (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Random, for URLs: draft numbers are not guessable.
    public_id             TEXT NOT NULL UNIQUE,
    -- The applicant (a citizen, or an organisation filed for by its representative).
    account_id            BIGINT NOT NULL REFERENCES account (id),
    -- Who filled it: the applicant, a representative, or an official at a counter.
    created_by            BIGINT NOT NULL REFERENCES account (id),
    assisted_by           BIGINT REFERENCES account (id),
    procedure_version_id  BIGINT NOT NULL REFERENCES procedure_version (id),
    agency_id             BIGINT NOT NULL REFERENCES agency (id),
    answers               TEXT NOT NULL DEFAULT '{}',
    current_step          TEXT NOT NULL DEFAULT '',
    version               BIGINT NOT NULL DEFAULT 1,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    expires_at            BIGINT NOT NULL,
    warned_at             BIGINT,
    -- Set once, by the submission: submitting again returns this dossier.
    dossier_id            BIGINT REFERENCES dossier (id)
);
CREATE INDEX dossier_draft_account ON dossier_draft (account_id);
CREATE INDEX dossier_draft_expiry ON dossier_draft (expires_at);

CREATE TABLE draft_attachment (
    draft_id     BIGINT NOT NULL REFERENCES dossier_draft (id),
    slot         BIGINT NOT NULL,
    document_id  BIGINT NOT NULL REFERENCES stored_document (id),
    added_at     BIGINT NOT NULL,
    PRIMARY KEY (draft_id, slot, document_id)
);

CREATE TABLE dossier_attachment (
    dossier_id   BIGINT NOT NULL REFERENCES dossier (id),
    slot         BIGINT NOT NULL,
    document_id  BIGINT NOT NULL REFERENCES stored_document (id),
    -- `submission` or `supplementation`.
    added_by     TEXT NOT NULL DEFAULT 'submission',
    added_at     BIGINT NOT NULL,
    PRIMARY KEY (dossier_id, slot, document_id)
);

CREATE TABLE dossier_sequence (
    agency_id  BIGINT NOT NULL REFERENCES agency (id),
    day        TEXT NOT NULL,
    last       BIGINT NOT NULL,
    PRIMARY KEY (agency_id, day)
);

ALTER TABLE dossier ADD COLUMN submitted_at BIGINT;
ALTER TABLE dossier ADD COLUMN assisted_by BIGINT REFERENCES account (id);
ALTER TABLE dossier ADD COLUMN filed_by BIGINT REFERENCES account (id);

-- The applicant's rating of the service, once the result is out (1 to 5).
CREATE TABLE dossier_rating (
    dossier_id  BIGINT PRIMARY KEY REFERENCES dossier (id),
    account_id  BIGINT NOT NULL REFERENCES account (id),
    score       BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment     TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
