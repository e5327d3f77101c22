//! Notifications to people: SMS and e-mail, each through a channel behind one
//! interface. A real provider (an SMS gateway, an SMTP relay) implements
//! [`NotificationChannel`]; the sandbox channels keep every message in the database and
//! show them to system administrators, for demos and tests.
//!
//! One-time codes are sent at once (the person is waiting, and the code is not stored
//! in clear anywhere); other notices go through the outbox and [`deliver_pending`].

mod sandbox;
mod worker;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use sandbox::{NoChannel, SandboxChannel};
pub use worker::{SecurityNotice, deliver_pending, queue_security_notice, tell_account};

/// The kind of address a message goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelKind {
    Sms,
    Email,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Sms => "sms",
            ChannelKind::Email => "email",
        }
    }
}

/// One message to one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// A phone number in international form, or an e-mail address.
    pub to: String,
    /// E-mail subject (empty for SMS).
    pub subject: String,
    pub body: String,
}

/// Why a channel could not take a message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SendError(pub String);

/// The future a channel returns.
pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// A way to reach people: the interface every provider implements.
pub trait NotificationChannel: Send + Sync + fmt::Debug {
    /// Hands the message to the provider; `Ok` once the provider accepted it.
    fn send<'a>(&'a self, message: &'a Message) -> Sending<'a>;
}

/// The channels in use.
#[derive(Clone, Debug)]
pub struct Notifier {
    sms: Arc<dyn NotificationChannel>,
    email: Arc<dyn NotificationChannel>,
}

impl Notifier {
    pub fn new(sms: Arc<dyn NotificationChannel>, email: Arc<dyn NotificationChannel>) -> Self {
        Self { sms, email }
    }

    /// Both channels as sandboxes writing to `db`.
    pub fn sandbox(db: motcua_store::Db) -> Self {
        Self::new(
            Arc::new(SandboxChannel::new(db.clone(), ChannelKind::Sms)),
            Arc::new(SandboxChannel::new(db, ChannelKind::Email)),
        )
    }

    /// No channel configured: every message is refused (a deployment outside demo
    /// mode before its providers are set up).
    pub fn unconfigured() -> Self {
        Self::new(
            Arc::new(NoChannel::new(ChannelKind::Sms)),
            Arc::new(NoChannel::new(ChannelKind::Email)),
        )
    }

    pub async fn send(&self, kind: ChannelKind, message: &Message) -> Result<(), SendError> {
        let channel = match kind {
            ChannelKind::Sms => &self.sms,
            ChannelKind::Email => &self.email,
        };
        let result = channel.send(message).await;
        match &result {
            Ok(()) => tracing::info!(channel = kind.as_str(), "notification sent"),
            Err(e) => tracing::warn!(channel = kind.as_str(), error = %e, "notification not sent"),
        }
        result
    }
}
