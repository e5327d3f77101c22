//! The sandbox channel: messages are kept in `sandbox_message` and shown on
//! `/quan-tri/hop-thu-thu-nghiem` instead of being sent. Clearly a sandbox: nothing
//! leaves the machine.

use motcua_store::Db;

use super::{ChannelKind, Message, NotificationChannel, SendError, Sending};

#[derive(Clone, Debug)]
pub struct SandboxChannel {
    db: Db,
    kind: ChannelKind,
}

impl SandboxChannel {
    pub fn new(db: Db, kind: ChannelKind) -> Self {
        Self { db, kind }
    }
}

impl NotificationChannel for SandboxChannel {
    fn send<'a>(&'a self, message: &'a Message) -> Sending<'a> {
        Box::pin(async move {
            self.db
                .record_sandbox_message(
                    self.kind.as_str(),
                    &message.to,
                    &message.subject,
                    &message.body,
                )
                .await
                .map_err(|e| SendError(format!("sandbox: {e}")))
        })
    }
}

/// No provider configured for this kind of address (outside demo mode, until one is):
/// every message is refused with that reason, so nothing is silently dropped.
#[derive(Clone, Debug)]
pub struct NoChannel {
    kind: ChannelKind,
}

impl NoChannel {
    pub fn new(kind: ChannelKind) -> Self {
        Self { kind }
    }
}

impl NotificationChannel for NoChannel {
    fn send<'a>(&'a self, _message: &'a Message) -> Sending<'a> {
        Box::pin(async move {
            Err(SendError(format!(
                "no {} provider is configured",
                self.kind.as_str()
            )))
        })
    }
}
