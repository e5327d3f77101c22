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

pub use motcua_app::text::local_time;

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
