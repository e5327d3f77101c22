//! Server-rendered pages (askama templates in `templates/`).

pub mod account;
pub mod catalog;
pub mod home;
pub mod second_factor;
pub mod security_log;

use crate::assets;

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
