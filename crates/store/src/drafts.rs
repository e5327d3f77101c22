//! Dossiers being prepared online (drafts): the answers so far, saved at every step
//! with optimistic versions, the attached documents, expiry with a warning first, and
//! the submission that turns a draft into a dossier exactly once.

use motcua_domain::dossier::DossierState;
use sqlx::AssertSqlSafe;

use crate::document_store::{STORED_COLUMNS, StoredDocument};
use crate::dossiers::{
    DOSSIER_COLUMNS, Dossier, EventInput, NewDossier, insert_dossier_row, insert_event,
};
use crate::{Db, StoreError, StoreResult, sessions, time};

/// A draft as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Draft {
    pub id: i64,
    pub public_id: String,
    pub account_id: i64,
    pub created_by: i64,
    pub assisted_by: Option<i64>,
    pub procedure_version_id: i64,
    pub agency_id: i64,
    /// The answers as JSON (kept as typed, valid or not).
    pub answers: String,
    pub current_step: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub expires_at: i64,
    pub warned_at: Option<i64>,
    /// The dossier it became, once submitted.
    pub dossier_id: Option<i64>,
    /// `counter` for a paper dossier digitised at the desk; none when filed online.
    pub channel: Option<String>,
}

const DRAFT_COLUMNS: &str = "id, public_id, account_id, created_by, assisted_by, procedure_version_id, agency_id, \
     answers, current_step, version, created_at, updated_at, expires_at, warned_at, dossier_id, channel";

/// A new draft.
#[derive(Clone, Debug)]
pub struct NewDraft<'a> {
    pub account_id: i64,
    pub created_by: i64,
    pub assisted_by: Option<i64>,
    pub procedure_version_id: i64,
    pub agency_id: i64,
    pub answers: &'a str,
    pub first_step: &'a str,
    pub ttl_micros: i64,
}

/// What a submission records besides the draft.
#[derive(Clone, Debug)]
pub struct Submission<'a> {
    /// The receiving agency's code (the first part of the dossier code).
    pub agency_code: &'a str,
    /// Today in Vietnam, `YYMMDD` for the code.
    pub day: &'a str,
    /// `submitted`, or `awaiting_payment` when a fee is payable online.
    pub state: &'a str,
    /// The normalised answers.
    pub form_data: &'a str,
    /// `online` or `assisted`.
    pub channel: &'a str,
    pub actor_id: i64,
    /// Extra details of the submission event (JSON).
    pub event_data: &'a str,
}

/// A dossier of a person, for lists.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DossierSummary {
    pub id: i64,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub state: DossierState,
    pub procedure_code: String,
    pub procedure_name: String,
    pub applicant_id: Option<i64>,
    pub submitted_at: Option<i64>,
    pub due_at: Option<i64>,
    pub updated_at: i64,
}

impl Db {
    /// Marks a draft as a paper dossier digitised at the counter.
    pub async fn mark_counter_draft(&self, draft_id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE dossier_draft SET channel = 'counter' WHERE id = $1")
            .bind(draft_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn create_draft(&self, new: &NewDraft<'_>) -> StoreResult<Draft> {
        let now = time::now_micros();
        Ok(sqlx::query_as::<_, Draft>(AssertSqlSafe(format!(
            "INSERT INTO dossier_draft (public_id, account_id, created_by, assisted_by, procedure_version_id, agency_id, \
             answers, current_step, created_at, updated_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING {DRAFT_COLUMNS}"
        )))
        .bind(&sessions::random_token()[..24])
        .bind(new.account_id)
        .bind(new.created_by)
        .bind(new.assisted_by)
        .bind(new.procedure_version_id)
        .bind(new.agency_id)
        .bind(new.answers)
        .bind(new.first_step)
        .bind(now)
        .bind(now + new.ttl_micros)
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn draft(&self, public_id: &str) -> StoreResult<Option<Draft>> {
        Ok(sqlx::query_as::<_, Draft>(AssertSqlSafe(format!(
            "SELECT {DRAFT_COLUMNS} FROM dossier_draft WHERE public_id = $1"
        )))
        .bind(public_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Saves the answers of a draft last read at `expected_version`; a later save by
    /// another tab or device is a conflict (nothing written). Each save extends the
    /// draft's life and clears an expiry warning.
    pub async fn save_draft(
        &self,
        id: i64,
        expected_version: i64,
        answers: &str,
        step: &str,
        ttl_micros: i64,
    ) -> StoreResult<Draft> {
        let now = time::now_micros();
        let saved = sqlx::query_as::<_, Draft>(AssertSqlSafe(format!(
            "UPDATE dossier_draft SET answers = $1, current_step = $2, version = version + 1, updated_at = $3, \
             expires_at = $4, warned_at = NULL \
             WHERE id = $5 AND version = $6 AND dossier_id IS NULL RETURNING {DRAFT_COLUMNS}"
        )))
        .bind(answers)
        .bind(step)
        .bind(now)
        .bind(now + ttl_micros)
        .bind(id)
        .bind(expected_version)
        .fetch_optional(self.pool())
        .await?;
        saved.ok_or_else(|| StoreError::Conflict("the draft changed or was submitted".into()))
    }

    /// Live drafts of an account (not submitted, not expired), newest first.
    pub async fn drafts_of(&self, account_ids: &[i64]) -> StoreResult<Vec<Draft>> {
        if account_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = marks(account_ids.len(), 2);
        let mut query = sqlx::query_as::<_, Draft>(AssertSqlSafe(format!(
            "SELECT {DRAFT_COLUMNS} FROM dossier_draft WHERE dossier_id IS NULL AND expires_at > $1 \
             AND account_id IN ({marks}) ORDER BY updated_at DESC"
        )))
        .bind(time::now_micros());
        for id in account_ids {
            query = query.bind(*id);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }

    /// Drafts expiring before `before` whose owners were not warned yet.
    pub async fn drafts_to_warn(&self, before: i64) -> StoreResult<Vec<Draft>> {
        Ok(sqlx::query_as::<_, Draft>(AssertSqlSafe(format!(
            "SELECT {DRAFT_COLUMNS} FROM dossier_draft WHERE dossier_id IS NULL AND warned_at IS NULL \
             AND expires_at > $1 AND expires_at < $2 ORDER BY expires_at"
        )))
        .bind(time::now_micros())
        .bind(before)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn mark_draft_warned(&self, id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE dossier_draft SET warned_at = $1 WHERE id = $2")
            .bind(time::now_micros())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes expired, unsubmitted drafts (their documents stay in the owners'
    /// stores); returns how many.
    pub async fn delete_expired_drafts(&self) -> StoreResult<u64> {
        let now = time::now_micros();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM draft_attachment WHERE draft_id IN \
             (SELECT id FROM dossier_draft WHERE dossier_id IS NULL AND expires_at <= $1)",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let done =
            sqlx::query("DELETE FROM dossier_draft WHERE dossier_id IS NULL AND expires_at <= $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// Attaches a stored document to a slot of a draft (again: no change).
    pub async fn attach_to_draft(
        &self,
        draft_id: i64,
        slot: i64,
        document_id: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO draft_attachment (draft_id, slot, document_id, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (draft_id, slot, document_id) DO NOTHING",
        )
        .bind(draft_id)
        .bind(slot)
        .bind(document_id)
        .bind(time::now_micros())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn detach_from_draft(
        &self,
        draft_id: i64,
        slot: i64,
        document_id: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM draft_attachment WHERE draft_id = $1 AND slot = $2 AND document_id = $3",
        )
        .bind(draft_id)
        .bind(slot)
        .bind(document_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The documents attached to a draft: `(slot, document)`.
    pub async fn draft_attachments(
        &self,
        draft_id: i64,
    ) -> StoreResult<Vec<(i64, StoredDocument)>> {
        attachments(self, "draft_attachment", "draft_id", draft_id).await
    }

    /// The documents of a dossier: `(slot, document)` (documents later removed from
    /// the owner's store are still listed).
    pub async fn dossier_attachments(
        &self,
        dossier_id: i64,
    ) -> StoreResult<Vec<(i64, StoredDocument)>> {
        attachments(self, "dossier_attachment", "dossier_id", dossier_id).await
    }

    /// Turns a draft into a dossier, once: the dossier code is the agency's next
    /// number for the day, the answers and attachments move over, and the first event
    /// is recorded. Submitting the same draft again (a double click, a retried request)
    /// returns the same dossier and `false`.
    pub async fn submit_draft(
        &self,
        draft_id: i64,
        submission: &Submission<'_>,
    ) -> StoreResult<(Dossier, bool)> {
        // The day's number is taken once the draft is claimed, so a double submission
        // takes none. On PostgreSQL it comes from this process's block (given back if
        // the transaction fails); on SQLite (one writer at a time anyway) from the
        // counter row, inside the transaction.
        if self.backend() == crate::Backend::Postgres {
            let draft: Option<(i64, Option<i64>)> =
                sqlx::query_as("SELECT agency_id, dossier_id FROM dossier_draft WHERE id = $1")
                    .bind(draft_id)
                    .fetch_optional(self.pool())
                    .await?;
            if let Some((agency, None)) = draft {
                self.ensure_day_numbers(agency, submission.day).await?;
            }
        }
        let mut taken: Option<(i64, i64)> = None;
        let outcome = self
            .submit_draft_numbered(draft_id, submission, &mut taken)
            .await;
        if let Some((agency, number)) = taken
            && outcome.is_err()
        {
            self.give_back_number(agency, submission.day, number);
        }
        outcome
    }

    async fn submit_draft_numbered(
        &self,
        draft_id: i64,
        submission: &Submission<'_>,
        taken: &mut Option<(i64, i64)>,
    ) -> StoreResult<(Dossier, bool)> {
        let now = time::now_micros();
        let mut tx = self.begin_write().await?;
        // Claims the draft: on PostgreSQL the row lock makes a concurrent submission
        // wait, then find the dossier this one made.
        let claimed = sqlx::query(
            "UPDATE dossier_draft SET version = version + 1, updated_at = $1 WHERE id = $2 AND dossier_id IS NULL",
        )
        .bind(now)
        .bind(draft_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            tx.rollback().await?;
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT dossier_id FROM dossier_draft WHERE id = $1")
                    .bind(draft_id)
                    .fetch_optional(self.pool())
                    .await?
                    .flatten();
            let Some(dossier_id) = existing else {
                return Err(StoreError::NotFound { what: "draft" });
            };
            return Ok((self.dossier(dossier_id).await?, false));
        }
        let draft = sqlx::query_as::<_, Draft>(AssertSqlSafe(format!(
            "SELECT {DRAFT_COLUMNS} FROM dossier_draft WHERE id = $1"
        )))
        .bind(draft_id)
        .fetch_one(&mut *tx)
        .await?;
        // The day's number is taken last, so the per-agency counter row stays locked
        // only for the end of the transaction: concurrent submissions to one agency
        // queue there briefly instead of for the whole submission.
        let placeholder = format!("~{}", draft.public_id);
        let new = NewDossier {
            code: &placeholder,
            procedure_version_id: draft.procedure_version_id,
            agency_id: draft.agency_id,
            applicant_id: Some(draft.account_id),
            channel: submission.channel,
            state: submission.state,
            form_data: submission.form_data,
            priority: 0,
            actor_id: Some(submission.actor_id),
            action: "submit",
        };
        let dossier = insert_dossier_row(&mut tx, &new, now).await?;
        sqlx::query(
            "INSERT INTO dossier_attachment (dossier_id, slot, document_id, added_by, added_at) \
             SELECT $1, slot, document_id, 'submission', $2 FROM draft_attachment WHERE draft_id = $3",
        )
        .bind(dossier.id)
        .bind(now)
        .bind(draft_id)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            dossier.id,
            None,
            &EventInput {
                actor_id: Some(submission.actor_id),
                action: "submit",
                to_state: submission.state,
                note: "",
                data: submission.event_data,
            },
            now,
        )
        .await?;
        // From this process's numbers (PostgreSQL), else from the counter row, in the
        // transaction (SQLite, or when other submissions just used the numbers up).
        let held = match self.backend() {
            crate::Backend::Postgres => self.take_day_number(draft.agency_id, submission.day),
            crate::Backend::Sqlite => None,
        };
        if let Some(number) = held {
            *taken = Some((draft.agency_id, number));
        }
        let sequence: i64 = match held {
            Some(number) => number,
            None => {
                sqlx::query_scalar(
                    "INSERT INTO dossier_sequence (agency_id, day, last) VALUES ($1, $2, 1) \
                     ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_sequence.last + 1 RETURNING last",
                )
                .bind(draft.agency_id)
                .bind(submission.day)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        let code = format!(
            "{}-{}-{:04}",
            submission.agency_code, submission.day, sequence
        );
        let dossier = sqlx::query_as::<_, Dossier>(AssertSqlSafe(format!(
            "UPDATE dossier SET code = $1, submitted_at = $2, assisted_by = $3, filed_by = $4 \
             WHERE id = $5 RETURNING {DOSSIER_COLUMNS}"
        )))
        .bind(&code)
        .bind(now)
        .bind(draft.assisted_by)
        .bind(draft.created_by)
        .bind(dossier.id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE dossier_draft SET dossier_id = $1 WHERE id = $2")
            .bind(dossier.id)
            .bind(draft_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((dossier, true))
    }

    /// The dossiers whose applicant is one of `applicants`, newest first.
    pub async fn dossiers_of_applicants(
        &self,
        applicants: &[i64],
    ) -> StoreResult<Vec<DossierSummary>> {
        if applicants.is_empty() {
            return Ok(Vec::new());
        }
        let marks = marks(applicants.len(), 1);
        let mut query = sqlx::query_as::<_, DossierSummary>(AssertSqlSafe(format!(
            "SELECT d.id, d.code, d.state, p.code AS procedure_code, p.name AS procedure_name, d.applicant_id, \
             d.submitted_at, d.due_at, d.updated_at \
             FROM dossier d JOIN procedure_version v ON v.id = d.procedure_version_id \
             JOIN procedure p ON p.id = v.procedure_id \
             WHERE d.applicant_id IN ({marks}) ORDER BY d.id DESC"
        )));
        for id in applicants {
            query = query.bind(*id);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }

    /// Adds a document to a dossier awaiting supplementation; it counts once the
    /// supplement is sent (until then it is `pending`).
    pub async fn add_pending_attachment(
        &self,
        dossier_id: i64,
        slot: i64,
        document_id: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO dossier_attachment (dossier_id, slot, document_id, added_by, added_at) \
             VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT (dossier_id, slot, document_id) DO NOTHING",
        )
        .bind(dossier_id)
        .bind(slot)
        .bind(document_id)
        .bind(time::now_micros())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records the applicant's rating (once: a second one is a conflict).
    pub async fn rate_dossier(
        &self,
        dossier_id: i64,
        account_id: i64,
        score: i64,
        comment: &str,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "INSERT INTO dossier_rating (dossier_id, account_id, score, comment, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (dossier_id) DO NOTHING",
        )
        .bind(dossier_id)
        .bind(account_id)
        .bind(score)
        .bind(comment)
        .bind(time::now_micros())
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("already rated".into()));
        }
        Ok(())
    }

    /// The rating of a dossier: `(score, comment)`.
    pub async fn dossier_rating(&self, dossier_id: i64) -> StoreResult<Option<(i64, String)>> {
        Ok(
            sqlx::query_as("SELECT score, comment FROM dossier_rating WHERE dossier_id = $1")
                .bind(dossier_id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    pub async fn dossier_by_code(&self, code: &str) -> StoreResult<Option<Dossier>> {
        Ok(sqlx::query_as::<_, Dossier>(AssertSqlSafe(format!(
            "SELECT {DOSSIER_COLUMNS} FROM dossier WHERE code = $1"
        )))
        .bind(code)
        .fetch_optional(self.pool())
        .await?)
    }
}

/// `$start, $start+1, …` for `count` values.
fn marks(count: usize, start: usize) -> String {
    (start..start + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn attachments(
    db: &Db,
    table: &'static str,
    key: &'static str,
    id: i64,
) -> StoreResult<Vec<(i64, StoredDocument)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        slot: i64,
        #[sqlx(flatten)]
        document: StoredDocument,
    }
    let rows = sqlx::query_as::<_, Row>(AssertSqlSafe(format!(
        "SELECT a.slot, {STORED_COLUMNS} FROM {table} a JOIN stored_document d ON d.id = a.document_id \
         JOIN file f ON f.id = d.file_id WHERE a.{key} = $1 ORDER BY a.slot, a.added_at"
    )))
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|r| (r.slot, r.document)).collect())
}
