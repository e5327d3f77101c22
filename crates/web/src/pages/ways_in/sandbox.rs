//! The sandbox mailbox: SMS and e-mails "sent" by the sandbox channels, for system
//! administrators of a demo or test installation.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::pages::{Layout, local_time, respond};
use crate::{AppError, AppState};

struct MessageView {
    at: String,
    channel: &'static str,
    recipient: String,
    subject: String,
    body: String,
}

#[derive(Template)]
#[template(path = "admin/sandbox.html")]
struct SandboxPage {
    layout: Layout,
    messages: Vec<MessageView>,
}

/// `GET /quan-tri/hop-thu-thu-nghiem`: demo mode only (elsewhere it does not exist).
pub async fn show(State(state): State<AppState>) -> Result<Response, AppError> {
    if !state.config().demo {
        return Err(AppError::NotFound);
    }
    let messages = state
        .store()
        .db
        .sandbox_messages(100)
        .await?
        .into_iter()
        .map(|m| MessageView {
            at: local_time(m.created_at, "%H:%M:%S %d/%m/%Y"),
            channel: if m.channel == "sms" {
                "Tin nhắn"
            } else {
                "E-mail"
            },
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
        })
        .collect();
    respond(
        SandboxPage {
            layout: Layout::new("Hộp thư thử nghiệm"),
            messages,
        },
        StatusCode::OK,
        None,
    )
}
