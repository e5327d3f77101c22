//! Dossiers and their append-only, hash-chained history.
//!
//! The `dossier` row is the current state; every change appends a `dossier_event` in
//! the same transaction. Each event stores the hash of its predecessor and its own
//! hash over all its fields, so editing, deleting or reordering history is detectable by
//! [`Db::verify_dossier_chain`] (and the database refuses edits to the table outright).

use sha2::{Digest, Sha256};
use sqlx::AssertSqlSafe;

use motcua_domain::dossier::{Channel, DossierFlow, DossierState};

use crate::{Db, StoreError, StoreResult, time};

/// The `prev_hash` of a dossier's first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A dossier's current state.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Dossier {
    pub id: i64,
    pub code: String,
    pub procedure_version_id: i64,
    pub agency_id: i64,
    pub applicant_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    #[sqlx(try_from = "String")]
    pub state: DossierState,
    pub form_data: String,
    pub priority: i64,
    pub received_at: Option<i64>,
    pub due_at: Option<i64>,
    pub version: i64,
    pub submitted_at: Option<i64>,
    pub assisted_by: Option<i64>,
    pub filed_by: Option<i64>,
    /// The state machine with its deadline clock, once the back office moved it.
    #[sqlx(try_from = "FlowColumn")]
    pub flow: Option<DossierFlow>,
    /// The official holding the dossier (none: the current step's pool).
    pub holder_id: Option<i64>,
    /// The index of the current workflow step.
    pub step: i64,
    /// The agency working on it while transferred (none: its own agency).
    pub handling_agency_id: Option<i64>,
    /// The new return date set by an apology letter (form 04).
    pub extended_due_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// `early`, `on_time` or `late`, once finished.
    pub timeliness: Option<String>,
    /// The entry number in the agency's register for the year of receipt.
    pub register_no: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The `flow` column as stored (JSON text or NULL), decoded into the state machine
/// when a row is read.
pub struct FlowColumn(Option<String>);

impl sqlx::Type<sqlx::Any> for FlowColumn {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for FlowColumn {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(FlowColumn(<Option<String> as sqlx::Decode<
            'r,
            sqlx::Any,
        >>::decode(value)?))
    }
}

impl TryFrom<FlowColumn> for Option<DossierFlow> {
    type Error = serde_json::Error;

    fn try_from(column: FlowColumn) -> Result<Self, Self::Error> {
        column.0.map(|json| serde_json::from_str(&json)).transpose()
    }
}

/// One entry of a dossier's history.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DossierEvent {
    pub id: i64,
    pub dossier_id: i64,
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: String,
    pub data: String,
    pub prev_hash: String,
    pub hash: String,
}

/// A new dossier, with the event that creates it.
#[derive(Clone, Debug)]
pub struct NewDossier<'a> {
    pub code: &'a str,
    pub procedure_version_id: i64,
    pub agency_id: i64,
    pub applicant_id: Option<i64>,
    pub channel: &'a str,
    pub state: &'a str,
    pub form_data: &'a str,
    pub priority: i64,
    pub actor_id: Option<i64>,
    pub action: &'a str,
}

/// A change to a dossier: who did what, to which state.
#[derive(Clone, Debug)]
pub struct EventInput<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub to_state: &'a str,
    pub note: &'a str,
    /// Structured details of the action, as JSON.
    pub data: &'a str,
}

/// The back office's side of a move, written with the state: the state machine and
/// its clock, and the dossier's place in its workflow. Every field is the new value.
#[derive(Clone, Debug, Default)]
pub struct Progress<'a> {
    /// The state machine with its deadline clock, as JSON.
    pub flow: &'a str,
    pub received_at: Option<i64>,
    pub due_at: Option<i64>,
    pub holder_id: Option<i64>,
    pub step: i64,
    pub handling_agency_id: Option<i64>,
    pub finished_at: Option<i64>,
    pub timeliness: Option<&'a str>,
    pub extended_due_at: Option<i64>,
    /// Take the next entry of the agency's register for this year (at receipt).
    pub register_year: Option<i32>,
    /// The instant of the move (microseconds), as the state machine applied it; none:
    /// now.
    pub at: Option<i64>,
}

/// Where a chain is broken, if it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainVerdict {
    Intact { events: usize },
    Broken { seq: i64, reason: String },
}

pub(crate) const DOSSIER_COLUMNS: &str = "id, code, procedure_version_id, agency_id, applicant_id, channel, state, form_data, \
     priority, received_at, due_at, version, submitted_at, assisted_by, filed_by, flow, holder_id, step, \
     handling_agency_id, extended_due_at, finished_at, timeliness, register_no, created_at, updated_at";
const EVENT_COLUMNS: &str =
    "id, dossier_id, seq, at, actor_id, action, from_state, to_state, note, data, prev_hash, hash";

/// The hash of an event: SHA-256 over its predecessor's hash and every field, each
/// field length-prefixed so no two different events can serialise alike.
pub fn event_hash(event: &DossierEvent) -> String {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    };
    field(event.prev_hash.as_bytes());
    field(&event.dossier_id.to_be_bytes());
    field(&event.seq.to_be_bytes());
    field(&event.at.to_be_bytes());
    field(
        event
            .actor_id
            .map(|a| a.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(event.action.as_bytes());
    field(event.from_state.as_deref().unwrap_or("").as_bytes());
    field(event.to_state.as_bytes());
    field(event.note.as_bytes());
    field(event.data.as_bytes());
    hex::encode(hasher.finalize())
}

/// Checks a dossier's events (in `seq` order) link up and hash correctly.
pub fn verify_chain(events: &[DossierEvent]) -> ChainVerdict {
    let mut prev = GENESIS_HASH.to_string();
    for (i, event) in events.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if event.seq != expected_seq {
            return ChainVerdict::Broken {
                seq: event.seq,
                reason: format!("expected event {expected_seq}, found {}", event.seq),
            };
        }
        if event.prev_hash != prev {
            return ChainVerdict::Broken {
                seq: event.seq,
                reason: "does not point to the previous event's hash".into(),
            };
        }
        if event_hash(event) != event.hash {
            return ChainVerdict::Broken {
                seq: event.seq,
                reason: "content does not match its hash".into(),
            };
        }
        prev = event.hash.clone();
    }
    ChainVerdict::Intact {
        events: events.len(),
    }
}

impl Db {
    /// Creates a dossier and its first event in one transaction.
    pub async fn create_dossier(
        &self,
        new: &NewDossier<'_>,
    ) -> StoreResult<(Dossier, DossierEvent)> {
        let now = time::now_micros();
        let mut tx = self.begin_write().await?;
        let dossier = insert_dossier_row(&mut tx, new, now).await;
        let dossier = match dossier {
            Ok(dossier) => dossier,
            Err(e) => {
                // Release the transaction's locks now rather than when the connection
                // is next used.
                tx.rollback().await?;
                return Err(match StoreError::from(e) {
                    e if e.is_unique_violation() => {
                        StoreError::Conflict(format!("dossier code {} exists", new.code))
                    }
                    e => e,
                });
            }
        };
        let event = EventInput {
            actor_id: new.actor_id,
            action: new.action,
            to_state: new.state,
            note: "",
            data: "{}",
        };
        let event = insert_event(&mut tx, dossier.id, None, &event, now).await?;
        tx.commit().await?;
        Ok((dossier, event))
    }

    /// Moves a dossier to a new state and appends the event, if the dossier is still at
    /// `expected_version` (otherwise: a conflict, nothing written).
    pub async fn append_dossier_event(
        &self,
        dossier_id: i64,
        expected_version: i64,
        event: &EventInput<'_>,
    ) -> StoreResult<(Dossier, DossierEvent)> {
        let mut tx = self.begin_write().await?;
        let moved = advance_in(&mut tx, dossier_id, expected_version, event, None, None).await;
        finish(tx, moved).await
    }

    /// Moves a dossier on as the back office does: its state, its state machine and
    /// place in the workflow, and the event, if it is still at `expected_version`
    /// (otherwise a conflict, nothing written).
    ///
    /// `form_data` replaces the answers (a supplement that corrects them); a
    /// `supplement` also makes the documents uploaded for it count.
    pub async fn move_dossier(
        &self,
        dossier_id: i64,
        expected_version: i64,
        event: &EventInput<'_>,
        progress: &Progress<'_>,
        form_data: Option<&str>,
    ) -> StoreResult<(Dossier, DossierEvent)> {
        let mut tx = self.begin_write().await?;
        // A supplement's documents count from this move on (before the event, which
        // records the files as they stand after it); undone with the move if it fails.
        if event.action == "supplement" {
            let marked = sqlx::query(
                "UPDATE dossier_attachment SET added_by = 'supplementation' \
                 WHERE dossier_id = $1 AND added_by = 'pending'",
            )
            .bind(dossier_id)
            .execute(&mut *tx)
            .await;
            if let Err(e) = marked {
                return finish(tx, Err(e.into())).await;
            }
        }
        let moved = advance_in(
            &mut tx,
            dossier_id,
            expected_version,
            event,
            form_data,
            Some(progress),
        )
        .await;
        finish(tx, moved).await
    }

    pub async fn dossier(&self, id: i64) -> StoreResult<Dossier> {
        sqlx::query_as::<_, Dossier>(AssertSqlSafe(format!(
            "SELECT {DOSSIER_COLUMNS} FROM dossier WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound { what: "dossier" })
    }

    /// A dossier's history, oldest first.
    pub async fn dossier_events(&self, dossier_id: i64) -> StoreResult<Vec<DossierEvent>> {
        Ok(sqlx::query_as::<_, DossierEvent>(AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM dossier_event WHERE dossier_id = $1 ORDER BY seq"
        )))
        .bind(dossier_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Re-reads a dossier's history and checks its hash chain.
    pub async fn verify_dossier_chain(&self, dossier_id: i64) -> StoreResult<ChainVerdict> {
        Ok(verify_chain(&self.dossier_events(dossier_id).await?))
    }
}

/// Moves a dossier on inside `tx`: its state (and, when given, its answers) changes
/// if it is still at `expected_version`, and the event is appended.
pub(crate) async fn advance_in(
    tx: &mut sqlx::AnyConnection,
    dossier_id: i64,
    expected_version: i64,
    event: &EventInput<'_>,
    form_data: Option<&str>,
    progress: Option<&Progress<'_>>,
) -> StoreResult<(Dossier, DossierEvent)> {
    let now = progress.and_then(|p| p.at).unwrap_or_else(time::now_micros);
    let from_state: Option<String> = sqlx::query_scalar("SELECT state FROM dossier WHERE id = $1")
        .bind(dossier_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(from_state) = from_state else {
        return Err(StoreError::NotFound { what: "dossier" });
    };
    let dossier = sqlx::query_as::<_, Dossier>(AssertSqlSafe(format!(
        "UPDATE dossier SET state = $1, form_data = COALESCE($2, form_data), version = version + 1, \
         updated_at = $3 WHERE id = $4 AND version = $5 RETURNING {DOSSIER_COLUMNS}"
    )))
    .bind(event.to_state)
    .bind(form_data)
    .bind(now)
    .bind(dossier_id)
    .bind(expected_version)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(mut dossier) = dossier else {
        return Err(StoreError::Conflict(
            "the dossier was changed by someone else".into(),
        ));
    };
    if let Some(progress) = progress {
        dossier = write_progress(tx, &dossier, progress, now).await?;
    }
    let event = insert_event(tx, dossier_id, Some(&from_state), event, now).await?;
    Ok((dossier, event))
}

/// Writes the back office's side of a move (the row is already locked by the update of
/// its state), taking a register number if asked and none was taken yet.
async fn write_progress(
    tx: &mut sqlx::AnyConnection,
    dossier: &Dossier,
    progress: &Progress<'_>,
    now: i64,
) -> StoreResult<Dossier> {
    let register_no = match (dossier.register_no, progress.register_year) {
        (Some(number), _) => Some(number),
        (None, Some(year)) => Some(
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO dossier_sequence (agency_id, day, last) VALUES ($1, $2, 1) \
                 ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_sequence.last + 1 RETURNING last",
            )
            .bind(dossier.agency_id)
            .bind(format!("register-{year}"))
            .fetch_one(&mut *tx)
            .await?,
        ),
        (None, None) => None,
    };
    Ok(sqlx::query_as::<_, Dossier>(AssertSqlSafe(format!(
        "UPDATE dossier SET flow = $1, received_at = $2, due_at = $3, holder_id = $4, step = $5, \
         handling_agency_id = $6, finished_at = $7, timeliness = $8, extended_due_at = $9, register_no = $10, \
         updated_at = $11 WHERE id = $12 RETURNING {DOSSIER_COLUMNS}"
    )))
    .bind(progress.flow)
    .bind(progress.received_at)
    .bind(progress.due_at)
    .bind(progress.holder_id)
    .bind(progress.step)
    .bind(progress.handling_agency_id)
    .bind(progress.finished_at)
    .bind(progress.timeliness)
    .bind(progress.extended_due_at)
    .bind(register_no)
    .bind(now)
    .bind(dossier.id)
    .fetch_one(&mut *tx)
    .await?)
}

/// Commits `tx` when `result` is a success, rolls it back otherwise.
pub(crate) async fn finish<T>(tx: crate::db::WriteTx, result: StoreResult<T>) -> StoreResult<T> {
    match result {
        Ok(value) => {
            tx.commit().await?;
            Ok(value)
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

/// Inserts a dossier row (without its first event).
pub(crate) async fn insert_dossier_row(
    tx: &mut sqlx::AnyConnection,
    new: &NewDossier<'_>,
    now: i64,
) -> Result<Dossier, sqlx::Error> {
    sqlx::query_as::<_, Dossier>(AssertSqlSafe(format!(
        "INSERT INTO dossier (code, procedure_version_id, agency_id, applicant_id, channel, state, form_data, \
         priority, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) \
         RETURNING {DOSSIER_COLUMNS}"
    )))
    .bind(new.code)
    .bind(new.procedure_version_id)
    .bind(new.agency_id)
    .bind(new.applicant_id)
    .bind(new.channel)
    .bind(new.state)
    .bind(new.form_data)
    .bind(new.priority)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
}

pub(crate) async fn insert_event(
    tx: &mut sqlx::AnyConnection,
    dossier_id: i64,
    from_state: Option<&str>,
    input: &EventInput<'_>,
    now: i64,
) -> StoreResult<DossierEvent> {
    let last: Option<(i64, String)> = sqlx::query_as(
        "SELECT seq, hash FROM dossier_event WHERE dossier_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(dossier_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    // The answers and files as they stand after this change, in the chain.
    let content = crate::audit::content_of(tx, dossier_id).await?;
    let data = crate::audit::with_content(input.data, content);
    let mut event = DossierEvent {
        id: 0,
        dossier_id,
        seq,
        at: now,
        actor_id: input.actor_id,
        action: input.action.to_string(),
        from_state: from_state.map(str::to_string),
        to_state: input.to_state.to_string(),
        note: input.note.to_string(),
        data,
        prev_hash,
        hash: String::new(),
    };
    event.hash = event_hash(&event);
    event.id = sqlx::query_scalar(
        "INSERT INTO dossier_event (dossier_id, seq, at, actor_id, action, from_state, to_state, note, data, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(event.dossier_id)
    .bind(event.seq)
    .bind(event.at)
    .bind(event.actor_id)
    .bind(&event.action)
    .bind(&event.from_state)
    .bind(&event.to_state)
    .bind(&event.note)
    .bind(&event.data)
    .bind(&event.prev_hash)
    .bind(&event.hash)
    .fetch_one(&mut *tx)
    .await?;
    // Every change of a dossier is also one domain event, in the same transaction.
    let data: motcua_domain::dossier::EventData =
        serde_json::from_str(&event.data).unwrap_or_default();
    let domain = match event
        .to_state
        .parse::<motcua_domain::dossier::DossierState>()
    {
        Ok(to) => motcua_domain::events::DomainEvent::of_change(&event.action, to, &data),
        Err(_) => motcua_domain::events::DomainEvent::Other {
            action: event.action.clone(),
        },
    };
    crate::events::record(tx, Some(dossier_id), event.actor_id, &domain, now).await?;
    Ok(event)
}
