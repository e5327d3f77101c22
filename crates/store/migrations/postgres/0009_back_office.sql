-- The back office: each dossier's state machine with its deadline clock, where it is
-- in its agency's workflow and who holds it, the extension of its deadline (form 04),
-- notes between officials and messages to the applicant, the result documents, and
-- the agencies' workflow definitions.

-- The dossier's state machine and deadline clock (motcua_domain::dossier::DossierFlow
-- as JSON); NULL until the back office first moves the dossier.
ALTER TABLE dossier ADD COLUMN flow TEXT;
-- The official holding the dossier now (NULL: the step's pool).
ALTER TABLE dossier ADD COLUMN holder_id BIGINT REFERENCES account (id);
-- The index of the current workflow step.
ALTER TABLE dossier ADD COLUMN step BIGINT NOT NULL DEFAULT 0;
-- The agency working on it while it is transferred (liên thông); NULL: its own.
ALTER TABLE dossier ADD COLUMN handling_agency_id BIGINT REFERENCES agency (id);
-- The new return date of an apology letter (form 04); set at most once.
ALTER TABLE dossier ADD COLUMN extended_due_at BIGINT;
ALTER TABLE dossier ADD COLUMN finished_at BIGINT;
-- `early`, `on_time` or `late`, once finished.
ALTER TABLE dossier ADD COLUMN timeliness TEXT;
-- The entry number in the agency's register book (sổ theo dõi hồ sơ) for the year.
ALTER TABLE dossier ADD COLUMN register_no BIGINT;
-- When the deadline warning was sent.
ALTER TABLE dossier ADD COLUMN warned_at BIGINT;
CREATE INDEX dossier_due ON dossier (due_at);

-- How the draft will be filed: NULL online (or assisted), `counter` for a paper
-- dossier the desk digitises.
ALTER TABLE dossier_draft ADD COLUMN channel TEXT;

-- An organisation account standing for a state agency: its officials file the
-- agency's own dossiers through it (internal procedures).
ALTER TABLE account ADD COLUMN agency_id BIGINT REFERENCES agency (id);
CREATE UNIQUE INDEX account_agency ON account (agency_id) WHERE agency_id IS NOT NULL;
CREATE INDEX dossier_handling ON dossier (handling_agency_id);

CREATE TABLE dossier_note (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id  BIGINT NOT NULL REFERENCES dossier (id),
    author_id   BIGINT NOT NULL REFERENCES account (id),
    -- `officials`: between officials only; `applicant`: a message the applicant sees.
    audience    TEXT NOT NULL CHECK (audience IN ('officials', 'applicant')),
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX dossier_note_dossier ON dossier_note (dossier_id);

CREATE TABLE dossier_result (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id  BIGINT NOT NULL REFERENCES dossier (id),
    file_id     BIGINT NOT NULL REFERENCES file (id),
    title       TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    added_by    BIGINT NOT NULL REFERENCES account (id),
    added_at    BIGINT NOT NULL
);
CREATE INDEX dossier_result_dossier ON dossier_result (dossier_id);

CREATE TABLE workflow (
    agency_id       BIGINT NOT NULL REFERENCES agency (id),
    procedure_code  TEXT NOT NULL,
    definition      TEXT NOT NULL,
    updated_by      BIGINT REFERENCES account (id),
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (agency_id, procedure_code)
);

-- Notes, messages and result documents are part of the dossier's record: the database
-- refuses edits and deletions, as for the history.
CREATE FUNCTION dossier_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER dossier_note_no_change BEFORE UPDATE OR DELETE ON dossier_note
    FOR EACH ROW EXECUTE FUNCTION dossier_record_append_only();
CREATE TRIGGER dossier_result_no_change BEFORE UPDATE OR DELETE ON dossier_result
    FOR EACH ROW EXECUTE FUNCTION dossier_record_append_only();
