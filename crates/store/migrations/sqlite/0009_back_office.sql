-- The back office: each dossier's state machine with its deadline clock, where it is
-- in its agency's workflow and who holds it, the extension of its deadline (form 04),
-- notes between officials and messages to the applicant, the result documents, and
-- the agencies' workflow definitions.

-- The dossier's state machine and deadline clock (motcua_domain::dossier::DossierFlow
-- as JSON); NULL until the back office first moves the dossier.
ALTER TABLE dossier ADD COLUMN flow TEXT;
-- The official holding the dossier now (NULL: the step's pool).
ALTER TABLE dossier ADD COLUMN holder_id INTEGER REFERENCES account (id);
-- The index of the current workflow step.
ALTER TABLE dossier ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
-- The agency working on it while it is transferred (liên thông); NULL: its own.
ALTER TABLE dossier ADD COLUMN handling_agency_id INTEGER REFERENCES agency (id);
-- The new return date of an apology letter (form 04); set at most once.
ALTER TABLE dossier ADD COLUMN extended_due_at INTEGER;
ALTER TABLE dossier ADD COLUMN finished_at INTEGER;
-- `early`, `on_time` or `late`, once finished.
ALTER TABLE dossier ADD COLUMN timeliness TEXT;
-- The entry number in the agency's register book (sổ theo dõi hồ sơ) for the year.
ALTER TABLE dossier ADD COLUMN register_no INTEGER;
-- When the deadline warning was sent.
ALTER TABLE dossier ADD COLUMN warned_at INTEGER;
CREATE INDEX dossier_due ON dossier (due_at);

-- How the draft will be filed: NULL online (or assisted), `counter` for a paper
-- dossier the desk digitises.
ALTER TABLE dossier_draft ADD COLUMN channel TEXT;

-- An organisation account standing for a state agency: its officials file the
-- agency's own dossiers through it (internal procedures).
ALTER TABLE account ADD COLUMN agency_id INTEGER REFERENCES agency (id);
CREATE UNIQUE INDEX account_agency ON account (agency_id) WHERE agency_id IS NOT NULL;
CREATE INDEX dossier_handling ON dossier (handling_agency_id);

CREATE TABLE dossier_note (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossier (id),
    author_id   INTEGER NOT NULL REFERENCES account (id),
    -- `officials`: between officials only; `applicant`: a message the applicant sees.
    audience    TEXT NOT NULL CHECK (audience IN ('officials', 'applicant')),
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX dossier_note_dossier ON dossier_note (dossier_id);

CREATE TABLE dossier_result (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossier (id),
    file_id     INTEGER NOT NULL REFERENCES file (id),
    title       TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    added_by    INTEGER NOT NULL REFERENCES account (id),
    added_at    INTEGER NOT NULL
);
CREATE INDEX dossier_result_dossier ON dossier_result (dossier_id);

CREATE TABLE workflow (
    agency_id       INTEGER NOT NULL REFERENCES agency (id),
    procedure_code  TEXT NOT NULL,
    definition      TEXT NOT NULL,
    updated_by      INTEGER REFERENCES account (id),
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (agency_id, procedure_code)
);

-- Notes, messages and result documents are part of the dossier's record: the database
-- refuses edits and deletions, as for the history.
CREATE TRIGGER dossier_note_no_update BEFORE UPDATE ON dossier_note
BEGIN
    SELECT RAISE(ABORT, 'dossier_note is append-only');
END;
CREATE TRIGGER dossier_note_no_delete BEFORE DELETE ON dossier_note
BEGIN
    SELECT RAISE(ABORT, 'dossier_note is append-only');
END;
CREATE TRIGGER dossier_result_no_update BEFORE UPDATE ON dossier_result
BEGIN
    SELECT RAISE(ABORT, 'dossier_result is append-only');
END;
CREATE TRIGGER dossier_result_no_delete BEFORE DELETE ON dossier_result
BEGIN
    SELECT RAISE(ABORT, 'dossier_result is append-only');
END;
