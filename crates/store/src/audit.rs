//! What the dossier histories prove, and seals over all of them.
//!
//! Each dossier's events form a hash chain (see [`crate::dossiers::event_hash`]), and
//! every event carries the hash of the dossier's answers and of each attached file as
//! they stand after it (`content` in its data), so answers or files changed outside
//! the history are found. A chain alone cannot show that its last events were cut
//! off: seals can. A seal covers every event up to an id through a running digest that
//! starts from the previous seal's, and is signed with the installation's ed25519
//! audit key; `motcua verify` recomputes every chain, every dossier's content and
//! every seal.

use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::dossiers::{ChainVerdict, GENESIS_HASH, verify_chain};
use crate::{Db, StoreResult, time};

/// The installation's audit key (an ed25519 key from a 32-byte seed).
pub struct AuditKey {
    pair: Ed25519KeyPair,
    id: String,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey").field("id", &self.id).finish()
    }
}

impl AuditKey {
    /// From the base64 of a 32-byte seed (`openssl rand -base64 32`).
    pub fn from_base64_seed(text: &str) -> Result<Self, String> {
        use base64::Engine;
        let seed = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|e| format!("not base64: {e}"))?;
        if seed.len() != 32 {
            return Err(format!("a seed is 32 bytes, found {}", seed.len()));
        }
        let pair = Ed25519KeyPair::from_seed_unchecked(&seed)
            .map_err(|_| "not an ed25519 seed".to_string())?;
        let id = hex::encode(&Sha256::digest(pair.public_key().as_ref())[..8]);
        Ok(Self { pair, id })
    }

    /// A short name of the public key, kept with each seal.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.pair.sign(message).as_ref())
    }

    fn verifies(&self, message: &[u8], signature: &str) -> bool {
        let Ok(signature) = hex::decode(signature) else {
            return false;
        };
        UnparsedPublicKey::new(&ED25519, self.pair.public_key().as_ref())
            .verify(message, &signature)
            .is_ok()
    }
}

/// The answers and attached files of a dossier now, as an event records them.
pub(crate) async fn content_of(tx: &mut AnyConnection, dossier_id: i64) -> StoreResult<Value> {
    let answers: String = sqlx::query_scalar("SELECT form_data FROM dossier WHERE id = $1")
        .bind(dossier_id)
        .fetch_one(&mut *tx)
        .await?;
    let files: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.slot, f.sha256 FROM dossier_attachment a \
         JOIN stored_document s ON s.id = a.document_id JOIN file f ON f.id = s.file_id \
         WHERE a.dossier_id = $1 AND a.added_by <> 'pending' ORDER BY a.slot, f.sha256",
    )
    .bind(dossier_id)
    .fetch_all(&mut *tx)
    .await?;
    Ok(serde_json::json!({
        "answers_sha256": hex::encode(Sha256::digest(answers.as_bytes())),
        "attachments": files,
    }))
}

/// An event's data with the dossier's content added.
pub(crate) fn with_content(data: &str, content: Value) -> String {
    let mut object = match serde_json::from_str::<Value>(data) {
        Ok(Value::Object(object)) => object,
        _ => serde_json::Map::new(),
    };
    object.insert("content".into(), content);
    Value::Object(object).to_string()
}

/// What one seal says, as signed.
fn seal_message(last_event_id: i64, events: i64, digest: &str) -> Vec<u8> {
    format!("motcua chain seal\n{last_event_id}\n{events}\n{digest}").into_bytes()
}

/// The running digest after one more event.
fn step(digest: &str, id: i64, dossier_id: i64, seq: i64, hash: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(digest.as_bytes());
    hasher.update(id.to_be_bytes());
    hasher.update(dossier_id.to_be_bytes());
    hasher.update(seq.to_be_bytes());
    hasher.update(hash.as_bytes());
    hex::encode(hasher.finalize())
}

#[derive(sqlx::FromRow)]
struct SealRow {
    id: i64,
    last_event_id: i64,
    events: i64,
    digest: String,
    key_id: String,
    signature: String,
}

/// What `verify_all` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditReport {
    pub dossiers: u64,
    pub events: u64,
    pub seals: u64,
    /// Events after the last seal (not yet protected against being cut off).
    pub unsealed: u64,
    /// Every problem, one line each (empty: all verified).
    pub problems: Vec<String>,
}

/// Events read per page when streaming them all.
const PAGE: i64 = 5_000;

impl Db {
    /// Checks one dossier: its chain, then that its answers and files are those its
    /// last event recorded.
    pub async fn audit_dossier(&self, dossier_id: i64) -> StoreResult<ChainVerdict> {
        let events = self.dossier_events(dossier_id).await?;
        let verdict = verify_chain(&events);
        if !matches!(verdict, ChainVerdict::Intact { .. }) {
            return Ok(verdict);
        }
        let recorded = events.iter().rev().find_map(|e| {
            serde_json::from_str::<Value>(&e.data)
                .ok()
                .and_then(|d| d.get("content").cloned())
                .map(|c| (e.seq, c))
        });
        let Some((seq, recorded)) = recorded else {
            // Written before events carried the content.
            return Ok(verdict);
        };
        let mut conn = self.pool().acquire().await?;
        let now = content_of(&mut conn, dossier_id).await?;
        if now != recorded {
            let what = if now["answers_sha256"] != recorded["answers_sha256"] {
                "the answers"
            } else {
                "the attached files"
            };
            return Ok(ChainVerdict::Broken {
                seq,
                reason: format!("{what} changed outside the history"),
            });
        }
        Ok(verdict)
    }

    /// The next page of events after id `after` and up to `up_to`, in id order: what a
    /// seal's digest runs over (id, dossier, seq, hash).
    async fn links_after(
        &self,
        after: i64,
        up_to: i64,
    ) -> StoreResult<Vec<(i64, i64, i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT id, dossier_id, seq, hash FROM dossier_event \
             WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3",
        )
        .bind(after)
        .bind(up_to)
        .bind(PAGE)
        .fetch_all(self.pool())
        .await?)
    }

    /// The newest event's id (0 when there is none).
    pub async fn last_event_id(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM dossier_event")
                .fetch_one(self.pool())
                .await?
                .unwrap_or(0),
        )
    }

    async fn seals(&self) -> StoreResult<Vec<SealRow>> {
        Ok(sqlx::query_as::<_, SealRow>(
            "SELECT id, last_event_id, events, digest, key_id, signature FROM chain_seal ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Seals the events after the last seal up to `up_to` (an id seen a while ago, so
    /// that every transaction holding a smaller one has committed). Returns the new
    /// seal's last event id, or none when there was nothing new.
    pub async fn seal_events(&self, key: &AuditKey, up_to: i64) -> StoreResult<Option<i64>> {
        let last = self.seals().await?.pop();
        let (mut after, mut events, mut digest) = match &last {
            Some(seal) => (seal.last_event_id, seal.events, seal.digest.clone()),
            None => (0, 0, GENESIS_HASH.to_string()),
        };
        if up_to <= after {
            return Ok(None);
        }
        let mut newest = after;
        loop {
            let page = self.links_after(after, up_to).await?;
            let Some(last_row) = page.last() else {
                break;
            };
            after = last_row.0;
            for (id, dossier_id, seq, hash) in &page {
                digest = step(&digest, *id, *dossier_id, *seq, hash);
                events += 1;
                newest = *id;
            }
        }
        if events == last.as_ref().map_or(0, |s| s.events) {
            return Ok(None);
        }
        let signature = key.sign(&seal_message(newest, events, &digest));
        sqlx::query(
            "INSERT INTO chain_seal (sealed_at, last_event_id, events, digest, key_id, signature) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(time::now_micros())
        .bind(newest)
        .bind(events)
        .bind(&digest)
        .bind(key.id())
        .bind(&signature)
        .execute(self.pool())
        .await?;
        Ok(Some(newest))
    }

    /// Verifies everything: every dossier's chain and content, then every seal in
    /// order over all the events (their digests, counts and, with `key`, signatures).
    pub async fn verify_all(&self, key: Option<&AuditKey>) -> StoreResult<AuditReport> {
        let mut report = AuditReport::default();
        let ids: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM dossier ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        for (id, code) in ids {
            report.dossiers += 1;
            if let ChainVerdict::Broken { seq, reason } = self.audit_dossier(id).await? {
                report
                    .problems
                    .push(format!("dossier {code}: event {seq}: {reason}"));
            }
        }
        let seals = self.seals().await?;
        let mut pending = seals.iter().peekable();
        let mut digest = GENESIS_HASH.to_string();
        let mut counted = 0i64;
        let mut after = 0i64;
        let check = |seal: &SealRow, digest: &str, counted: i64, problems: &mut Vec<String>| {
            if seal.events != counted || seal.digest != digest {
                problems.push(format!(
                    "seal {}: the events up to {} are not those sealed ({} sealed, {} found): events were removed or changed",
                    seal.id, seal.last_event_id, seal.events, counted
                ));
            }
            match key {
                Some(key) if key.id() != seal.key_id => problems.push(format!(
                    "seal {}: signed with key {}, not the configured {}",
                    seal.id,
                    seal.key_id,
                    key.id()
                )),
                Some(key)
                    if !key.verifies(
                        &seal_message(seal.last_event_id, seal.events, &seal.digest),
                        &seal.signature,
                    ) =>
                {
                    problems.push(format!("seal {}: the signature does not verify", seal.id))
                }
                _ => {}
            }
        };
        loop {
            let page = self.links_after(after, i64::MAX).await?;
            if page.is_empty() {
                break;
            }
            for (id, dossier_id, seq, hash) in &page {
                while let Some(seal) = pending.next_if(|s| s.last_event_id < *id) {
                    check(seal, &digest, counted, &mut report.problems);
                    report.seals += 1;
                }
                digest = step(&digest, *id, *dossier_id, *seq, hash);
                counted += 1;
                after = *id;
            }
        }
        for seal in pending {
            // Sealed events that are no longer there: the end was cut off.
            check(seal, &digest, counted, &mut report.problems);
            report.seals += 1;
        }
        report.events = u64::try_from(counted).unwrap_or_default();
        let sealed = seals.last().map_or(0, |s| s.events);
        report.unsealed = u64::try_from(counted - sealed).unwrap_or_default();
        if key.is_none() && !seals.is_empty() {
            report
                .problems
                .push("seals found but no audit key configured to check their signatures".into());
        }
        Ok(report)
    }
}
