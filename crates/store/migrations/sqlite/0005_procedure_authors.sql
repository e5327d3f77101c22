-- Who made each version of a procedure (NULL for imports from a catalog file).
ALTER TABLE procedure_version ADD COLUMN created_by INTEGER REFERENCES account (id);
CREATE INDEX procedure_agency_agency ON procedure_agency (agency_id);
