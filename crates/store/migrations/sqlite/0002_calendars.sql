-- Working calendars as data: `national` holds the government's yearly changes (Tết
-- days, bridge days, Saturdays made working days); an agency code holds that agency's
-- office hours and its own changes. JSON in the domain's CalendarSettings format.
CREATE TABLE calendar_settings (
    scope       TEXT PRIMARY KEY,
    settings    TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
