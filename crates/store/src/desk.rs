//! The back office's reads and writes beside the dossier's own moves: the agencies'
//! queues, notes between officials and messages to the applicant, result documents,
//! workflow definitions, and the register of received dossiers.

use motcua_domain::dossier::{Channel, DossierState};
use sqlx::AssertSqlSafe;

use crate::dossiers::{DOSSIER_COLUMNS, Dossier};
use crate::{Db, StoreError, StoreResult, time};

/// A dossier in an agency's queue, with its procedure and applicant.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueEntry {
    pub id: i64,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub state: DossierState,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub procedure_code: String,
    pub procedure_name: String,
    pub applicant_name: Option<String>,
    pub agency_id: i64,
    pub handling_agency_id: Option<i64>,
    pub holder_id: Option<i64>,
    pub step: i64,
    pub submitted_at: Option<i64>,
    pub received_at: Option<i64>,
    pub due_at: Option<i64>,
    pub extended_due_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Which dossiers of a queue to list.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter<'a> {
    /// Only these states (none: every state that is not final).
    pub states: &'a [&'a str],
    /// Only this channel.
    pub channel: Option<&'a str>,
    /// Only dossiers held by this official.
    pub holder: Option<i64>,
    /// Only dossiers whose due instant is before this one (overdue or due soon).
    pub due_before: Option<i64>,
    /// A dossier code, or part of it.
    pub code: Option<&'a str>,
    pub limit: i64,
}

/// A note between officials or a message to the applicant.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Note {
    pub id: i64,
    pub dossier_id: i64,
    pub author_id: i64,
    pub author_name: String,
    /// `officials` or `applicant`.
    pub audience: String,
    pub body: String,
    pub created_at: i64,
}

/// A result document of a dossier.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ResultDocument {
    pub id: i64,
    pub dossier_id: i64,
    pub file_id: i64,
    pub title: String,
    pub file_name: String,
    pub added_by: i64,
    pub added_at: i64,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
}

/// A row of the register (form 07): a received dossier with what the register shows.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RegisterRow {
    pub id: i64,
    pub code: String,
    pub register_no: Option<i64>,
    pub procedure_name: String,
    pub field: String,
    pub applicant_name: Option<String>,
    pub applicant_phone: Option<String>,
    pub form_data: String,
    pub agency_id: i64,
    pub received_at: Option<i64>,
    pub due_at: Option<i64>,
    pub extended_due_at: Option<i64>,
    pub finished_at: Option<i64>,
    #[sqlx(try_from = "String")]
    pub state: DossierState,
}

const QUEUE_COLUMNS: &str = "d.id, d.code, d.state, d.channel, p.code AS procedure_code, p.name AS procedure_name, \
     a.full_name AS applicant_name, d.agency_id, d.handling_agency_id, d.holder_id, d.step, d.submitted_at, \
     d.received_at, d.due_at, d.extended_due_at, d.created_at, d.updated_at";

/// Agency ids written into SQL (numbers only, so nothing to escape): `1, 2, 3`.
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

const FINAL_STATES: &str = "'returned', 'refused', 'stopped', 'withdrawn', 'draft'";

impl Db {
    /// The dossiers that `agencies` work on now (their own, except those transferred
    /// away, and those transferred to them): online ones first (they have priority),
    /// then by the time left, soonest due first, then oldest.
    pub async fn agency_queue(
        &self,
        agencies: &[i64],
        filter: &QueueFilter<'_>,
    ) -> StoreResult<Vec<QueueEntry>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let list = id_list(agencies);
        let mut conditions = vec![format!(
            "COALESCE(d.handling_agency_id, d.agency_id) IN ({list})"
        )];
        let mut binds: Vec<String> = Vec::new();
        let mut ints: Vec<i64> = Vec::new();
        if filter.states.is_empty() {
            conditions.push(format!("d.state NOT IN ({FINAL_STATES})"));
        } else {
            let marks: Vec<String> = filter
                .states
                .iter()
                .map(|s| {
                    binds.push((*s).to_string());
                    format!("${}", binds.len())
                })
                .collect();
            conditions.push(format!("d.state IN ({})", marks.join(", ")));
        }
        if let Some(channel) = filter.channel {
            binds.push(channel.to_string());
            conditions.push(format!("d.channel = ${}", binds.len()));
        }
        if let Some(code) = filter.code {
            binds.push(format!("%{}%", code.replace(['%', '_'], "")));
            conditions.push(format!("d.code LIKE ${}", binds.len()));
        }
        if let Some(holder) = filter.holder {
            ints.push(holder);
            conditions.push(format!("d.holder_id = ${}", binds.len() + ints.len()));
        }
        if let Some(due) = filter.due_before {
            ints.push(due);
            conditions.push(format!(
                "COALESCE(d.extended_due_at, d.due_at) < ${}",
                binds.len() + ints.len()
            ));
        }
        let limit = filter.limit.clamp(1, 500);
        let sql = format!(
            "SELECT {QUEUE_COLUMNS} FROM dossier d JOIN procedure_version v ON v.id = d.procedure_version_id \
             JOIN procedure p ON p.id = v.procedure_id LEFT JOIN account a ON a.id = d.applicant_id \
             WHERE {} ORDER BY CASE WHEN d.channel IN ('online', 'assisted') THEN 0 ELSE 1 END, \
             CASE WHEN COALESCE(d.extended_due_at, d.due_at) IS NULL THEN 1 ELSE 0 END, \
             COALESCE(d.extended_due_at, d.due_at), COALESCE(d.submitted_at, d.created_at), d.id LIMIT {limit}",
            conditions.join(" AND ")
        );
        let mut query = sqlx::query_as::<_, QueueEntry>(AssertSqlSafe(sql));
        for text in &binds {
            query = query.bind(text.as_str());
        }
        for value in &ints {
            query = query.bind(*value);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }

    /// How many unfinished dossiers `agencies` have in each state.
    pub async fn agency_state_counts(&self, agencies: &[i64]) -> StoreResult<Vec<(String, i64)>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let list = id_list(agencies);
        Ok(sqlx::query_as(AssertSqlSafe(format!(
            "SELECT state, COUNT(*) FROM dossier WHERE COALESCE(handling_agency_id, agency_id) IN ({list}) \
             AND state <> 'draft' GROUP BY state"
        )))
        .fetch_all(self.pool())
        .await?)
    }

    /// Unfinished dossiers due before `before` (deadline warnings and the overdue list)
    /// that have not been warned about yet when `unwarned` is set.
    pub async fn dossiers_due_before(
        &self,
        before: i64,
        unwarned: bool,
    ) -> StoreResult<Vec<Dossier>> {
        let warned = if unwarned {
            " AND warned_at IS NULL"
        } else {
            ""
        };
        Ok(sqlx::query_as::<_, Dossier>(AssertSqlSafe(format!(
            "SELECT {DOSSIER_COLUMNS} FROM dossier WHERE COALESCE(extended_due_at, due_at) < $1 \
             AND finished_at IS NULL AND state NOT IN ({FINAL_STATES}){warned} ORDER BY due_at"
        )))
        .bind(before)
        .fetch_all(self.pool())
        .await?)
    }

    /// Records that the deadline warning of a dossier was sent.
    /// Records that a dossier's deadline warning was sent, with its event
    /// (`DeadlineApproaching` or `Overdue`), in one transaction.
    pub async fn mark_dossier_warned(
        &self,
        dossier_id: i64,
        event: &motcua_domain::events::DomainEvent,
    ) -> StoreResult<()> {
        let now = time::now_micros();
        let mut tx = self.begin_write().await?;
        let marked = async {
            sqlx::query("UPDATE dossier SET warned_at = $1 WHERE id = $2")
                .bind(now)
                .bind(dossier_id)
                .execute(&mut *tx)
                .await?;
            crate::events::record(&mut tx, Some(dossier_id), None, event, now).await?;
            Ok(())
        }
        .await;
        crate::dossiers::finish(tx, marked).await
    }

    /// Forgets that a dossier's deadline warning was sent (its deadline moved).
    pub async fn reset_dossier_warning(&self, dossier_id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE dossier SET warned_at = NULL WHERE id = $1")
            .bind(dossier_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn add_note(
        &self,
        dossier_id: i64,
        author_id: i64,
        audience: &str,
        body: &str,
    ) -> StoreResult<i64> {
        if !matches!(audience, "officials" | "applicant") {
            return Err(StoreError::Invalid(format!("unknown audience {audience}")));
        }
        let now = time::now_micros();
        let mut tx = self.begin_write().await?;
        let id = async {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO dossier_note (dossier_id, author_id, audience, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(dossier_id)
            .bind(author_id)
            .bind(audience)
            .bind(body)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            if audience == "applicant" {
                crate::events::record(
                    &mut tx,
                    Some(dossier_id),
                    Some(author_id),
                    &motcua_domain::events::DomainEvent::ApplicantMessaged,
                    now,
                )
                .await?;
            }
            Ok(id)
        }
        .await;
        crate::dossiers::finish(tx, id).await
    }

    /// A dossier's notes, oldest first; only the messages to the applicant unless
    /// `internal` is set.
    pub async fn notes(&self, dossier_id: i64, internal: bool) -> StoreResult<Vec<Note>> {
        let only = if internal {
            ""
        } else {
            " AND n.audience = 'applicant'"
        };
        Ok(sqlx::query_as::<_, Note>(AssertSqlSafe(format!(
            "SELECT n.id, n.dossier_id, n.author_id, a.full_name AS author_name, n.audience, n.body, n.created_at \
             FROM dossier_note n JOIN account a ON a.id = n.author_id WHERE n.dossier_id = $1{only} ORDER BY n.id"
        )))
        .bind(dossier_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn add_result(
        &self,
        dossier_id: i64,
        file_id: i64,
        title: &str,
        file_name: &str,
        added_by: i64,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO dossier_result (dossier_id, file_id, title, file_name, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(dossier_id)
        .bind(file_id)
        .bind(title)
        .bind(file_name)
        .bind(added_by)
        .bind(time::now_micros())
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn results(&self, dossier_id: i64) -> StoreResult<Vec<ResultDocument>> {
        Ok(sqlx::query_as::<_, ResultDocument>(
            "SELECT r.id, r.dossier_id, r.file_id, r.title, r.file_name, r.added_by, r.added_at, f.mime, f.size, f.sha256 \
             FROM dossier_result r JOIN file f ON f.id = r.file_id WHERE r.dossier_id = $1 ORDER BY r.id",
        )
        .bind(dossier_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Puts a dossier's results into the applicant's document store (an electronic
    /// return); each only once.
    pub async fn issue_results(&self, dossier_id: i64, owner_id: i64) -> StoreResult<u64> {
        Ok(sqlx::query(
            "INSERT INTO stored_document (owner_id, file_id, title, file_name, origin, dossier_id, created_at) \
             SELECT $1, r.file_id, r.title, r.file_name, 'result', r.dossier_id, $2 FROM dossier_result r \
             WHERE r.dossier_id = $3 AND NOT EXISTS (SELECT 1 FROM stored_document s \
             WHERE s.dossier_id = r.dossier_id AND s.file_id = r.file_id AND s.origin = 'result')",
        )
        .bind(owner_id)
        .bind(time::now_micros())
        .bind(dossier_id)
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// The workflow definition (JSON) of a procedure at an agency, if one was set.
    pub async fn workflow(
        &self,
        agency_id: i64,
        procedure_code: &str,
    ) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT definition FROM workflow WHERE agency_id = $1 AND procedure_code = $2",
        )
        .bind(agency_id)
        .bind(procedure_code)
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn save_workflow(
        &self,
        agency_id: i64,
        procedure_code: &str,
        definition: &str,
        updated_by: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO workflow (agency_id, procedure_code, definition, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agency_id, procedure_code) \
             DO UPDATE SET definition = excluded.definition, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(agency_id)
        .bind(procedure_code)
        .bind(definition)
        .bind(updated_by)
        .bind(time::now_micros())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The register (form 07) of `agencies`: dossiers received between `from` and
    /// `until` (microseconds), in the order of their entry, optionally of one field.
    pub async fn register(
        &self,
        agencies: &[i64],
        from: i64,
        until: i64,
        field: Option<&str>,
    ) -> StoreResult<Vec<RegisterRow>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let list = id_list(agencies);
        let field_filter = if field.is_some() {
            " AND p.field = $3"
        } else {
            ""
        };
        let mut query = sqlx::query_as::<_, RegisterRow>(AssertSqlSafe(format!(
            "SELECT d.id, d.code, d.register_no, p.name AS procedure_name, p.field, a.full_name AS applicant_name, \
             a.phone AS applicant_phone, d.form_data, d.agency_id, d.received_at, d.due_at, d.extended_due_at, \
             d.finished_at, d.state FROM dossier d JOIN procedure_version v ON v.id = d.procedure_version_id \
             JOIN procedure p ON p.id = v.procedure_id LEFT JOIN account a ON a.id = d.applicant_id \
             WHERE d.agency_id IN ({list}) AND d.received_at >= $1 AND d.received_at < $2{field_filter} \
             ORDER BY d.received_at, d.id"
        )))
        .bind(from)
        .bind(until);
        if let Some(field) = field {
            query = query.bind(field);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }
}
