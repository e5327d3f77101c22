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
