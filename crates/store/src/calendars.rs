//! Stored working calendars: the national changes and each agency's own settings, and
//! the effective calendar of an agency (agency settings layered over national ones).

use motcua_domain::calendar::{CalendarSettings, WorkingCalendar};

use crate::{Db, StoreError, StoreResult, time};

/// The scope of the government's nationwide changes.
pub const NATIONAL: &str = "national";

impl Db {
    /// The settings stored for a scope (`national` or an agency code), if any.
    pub async fn calendar_settings(&self, scope: &str) -> StoreResult<Option<CalendarSettings>> {
        let json: Option<String> =
            sqlx::query_scalar("SELECT settings FROM calendar_settings WHERE scope = $1")
                .bind(scope)
                .fetch_optional(self.pool())
                .await?;
        json.map(|j| {
            serde_json::from_str(&j).map_err(|e| {
                StoreError::Integrity(format!("stored calendar of {scope} is invalid: {e}"))
            })
        })
        .transpose()
    }

    /// Replaces the settings of a scope; an agency scope must name an existing agency.
    pub async fn set_calendar_settings(
        &self,
        scope: &str,
        settings: &CalendarSettings,
    ) -> StoreResult<()> {
        if scope != NATIONAL && self.agency_by_code(scope).await?.is_none() {
            return Err(StoreError::NotFound { what: "agency" });
        }
        let json =
            serde_json::to_string(settings).map_err(|e| StoreError::Invalid(e.to_string()))?;
        sqlx::query(
            "INSERT INTO calendar_settings (scope, settings, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (scope) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
        )
        .bind(scope)
        .bind(json)
        .bind(time::now_micros())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The calendar deadlines are computed with: the law, the national changes, and the
    /// agency's office hours and changes (`None`: national only, default office hours).
    pub async fn working_calendar(
        &self,
        agency_code: Option<&str>,
    ) -> StoreResult<WorkingCalendar> {
        let national = self.calendar_settings(NATIONAL).await?.unwrap_or_default();
        let agency = match agency_code {
            Some(code) => {
                if self.agency_by_code(code).await?.is_none() {
                    return Err(StoreError::NotFound { what: "agency" });
                }
                self.calendar_settings(code).await?
            }
            None => None,
        };
        let settings = national
            .layered(agency.as_ref())
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(WorkingCalendar::new(settings))
    }
}
