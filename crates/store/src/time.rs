//! Timestamps are stored as UTC microseconds since the Unix epoch (`BIGINT`), the one
//! representation both databases and the `Any` driver carry without loss.

use chrono::{DateTime, Utc};

/// The current instant in stored form.
pub fn now_micros() -> i64 {
    Utc::now().timestamp_micros()
}

/// Converts a stored timestamp back to a `DateTime`.
pub fn from_micros(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or(DateTime::<Utc>::MIN_UTC)
}
