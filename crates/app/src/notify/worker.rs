//! Delivery of queued notices (outbox topics `notify.*`), retried with back-off.

use serde::Deserialize;

use super::{ChannelKind, Message};
use crate::App;

/// Jobs claimed per round.
const BATCH: i64 = 20;

#[derive(Deserialize)]
struct SignInFailures {
    account_id: Option<i64>,
    failures: i64,
    ip: String,
}

/// A security notice to an account's owner (a set-up code issued at a counter, an
/// e-ID reclaim): sent to every verified contact whatever the preferences.
#[derive(serde::Serialize, Deserialize)]
pub struct SecurityNotice {
    pub account_id: i64,
    pub subject: String,
    pub body: String,
}

/// Queues a security notice (delivered with retries by [`deliver_pending`]).
pub async fn queue_security_notice(
    app: &App,
    notice: &SecurityNotice,
    dedupe_key: &str,
) -> motcua_store::StoreResult<()> {
    let payload = serde_json::to_string(notice).unwrap_or_default();
    motcua_store::outbox::enqueue(
        app.store().db.pool(),
        "notify.security_notice",
        &payload,
        Some(dedupe_key),
    )
    .await?;
    Ok(())
}

/// Delivers due notices; returns how many were delivered.
pub async fn deliver_pending(state: &App, worker: &str) -> motcua_store::StoreResult<usize> {
    let db = &state.store().db;
    let mut delivered = 0;
    for job in db.claim_jobs(worker, BATCH).await? {
        if !job.topic.starts_with("notify.") {
            // Another worker's topic: give it back untouched.
            db.fail_job(&job, "not a notification").await?;
            continue;
        }
        match deliver(state, &job.topic, &job.payload).await {
            Ok(()) => {
                db.complete_job(job.id).await?;
                delivered += 1;
            }
            Err(e) => db.fail_job(&job, &e).await?,
        }
    }
    Ok(delivered)
}

async fn deliver(state: &App, topic: &str, payload: &str) -> Result<(), String> {
    match topic {
        "notify.sign_in_failures" => {
            let notice: SignInFailures =
                serde_json::from_str(payload).map_err(|e| e.to_string())?;
            let Some(id) = notice.account_id else {
                return Ok(());
            };
            let db = &state.store().db;
            let account = db.account(id).await.map_err(|e| e.to_string())?;
            let Some(account) = account else {
                return Ok(());
            };
            let body = format!(
                "motcua: tài khoản của bạn vừa bị nhập sai mật khẩu {} lần liên tiếp (địa chỉ {}). Việc đăng nhập đang tạm chậm lại để bảo vệ bạn. Nếu không phải bạn, hãy đổi mật khẩu hoặc báo Bộ phận Một cửa.",
                notice.failures, notice.ip
            );
            // A security warning goes out whatever the notification preferences.
            let sent = tell_account(
                state,
                account.id,
                "Cảnh báo đăng nhập sai nhiều lần",
                &body,
                false,
            )
            .await?;
            if !sent {
                tracing::warn!(
                    account = id,
                    "no verified contact to warn of sign-in failures"
                );
            }
            Ok(())
        }
        "notify.security_notice" => {
            let notice: SecurityNotice =
                serde_json::from_str(payload).map_err(|e| e.to_string())?;
            let sent = tell_account(
                state,
                notice.account_id,
                &notice.subject,
                &notice.body,
                false,
            )
            .await?;
            if !sent {
                tracing::warn!(
                    account = notice.account_id,
                    "no verified contact for a security notice"
                );
            }
            Ok(())
        }
        other => Err(format!("unknown notification topic {other}")),
    }
}

/// Sends a message to an account's verified e-mail and phone (only the channels the
/// person chose, when `respect_preferences`); false when it reached no one.
pub async fn tell_account(
    state: &App,
    account_id: i64,
    subject: &str,
    body: &str,
    respect_preferences: bool,
) -> Result<bool, String> {
    let db = &state.store().db;
    let Some(account) = db.account(account_id).await.map_err(|e| e.to_string())? else {
        return Ok(false);
    };
    let verification = db
        .verification(account_id)
        .await
        .map_err(|e| e.to_string())?;
    let profile = db.profile(account_id).await.map_err(|e| e.to_string())?;
    let mut sent = false;
    if let (Some(email), Some(_)) = (&account.email, verification.email_verified_at)
        && (!respect_preferences || profile.notify_by_email)
    {
        let message = Message {
            to: email.clone(),
            subject: subject.into(),
            body: body.into(),
        };
        state
            .notifier()
            .send(ChannelKind::Email, &message)
            .await
            .map_err(|e| e.to_string())?;
        sent = true;
    }
    if let (Some(phone), Some(_)) = (&account.phone, verification.phone_verified_at)
        && (!respect_preferences || profile.notify_by_sms)
    {
        let message = Message {
            to: phone.clone(),
            subject: String::new(),
            body: body.into(),
        };
        state
            .notifier()
            .send(ChannelKind::Sms, &message)
            .await
            .map_err(|e| e.to_string())?;
        sent = true;
    }
    Ok(sent)
}
