//! Server-rendered pages (askama templates in `templates/`).

pub mod account;
pub mod api_tokens;
pub mod catalog;
pub mod dead_letters;
pub mod desk;
pub mod document_store;
pub mod dossier_actions;
pub mod dossiers;
pub mod exports;
pub mod home;
pub mod officials;
pub mod procedure_editor;
pub mod profile;
pub mod second_factor;
pub mod security_log;
pub mod submission;
pub mod synonyms;
pub mod tracking;
pub mod ways_in;

use crate::assets;
pub(crate) use account::respond;

/// A stored instant as Vietnam's local time, e.g. `format = "%H:%M %d/%m/%Y"`.
pub fn local_time(micros: i64, format: &str) -> String {
    motcua_store::time::from_micros(micros)
        .with_timezone(&motcua_domain::VIETNAM_TIME)
        .format(format)
        .to_string()
}

/// Whole seconds (at least one) until a throttle's `blocked_until` instant.
pub fn seconds_until(blocked_until: i64) -> i64 {
    ((blocked_until - motcua_store::time::now_micros() + 999_999) / 1_000_000).max(1)
}

/// What the base layout needs from every page.
pub struct Layout {
    pub title: String,
    pub stylesheet: &'static str,
    pub script: &'static str,
}

impl Layout {
    pub fn new(title: &str) -> Self {
        Self {
            title: title.to_string(),
            stylesheet: assets::stylesheet_path(),
            script: assets::script_path(),
        }
    }
}
