//! Pure rules of motcua, free of I/O: what a dossier, a deadline or an amount of money
//! is, and which changes to them are legal.
//!
//! - [`lunar`]: the Vietnamese lunar calendar (UTC+7), 1900–2199.
//! - [`calendar`]: an agency's working calendar: public holidays by the Labour Code,
//!   the government's yearly changes, office hours.
//! - [`deadline`]: legal processing times, due instants, the pausable deadline clock and
//!   the early / on-time / late classification.
//! - [`catalog`]: the procedure catalog format and its validation.
//! - [`dossier_code`]: dossier codes (Circular 01/2018/TT-VPCP art. 19) and agency codes.
//! - [`dossier`]: the one-stop dossier state machine (Decree 118/2025/NĐ-CP).
//! - [`eform`]: e-form definitions, their answers, checks and document slots.
//! - [`money`]: amounts in đồng, fee items, amounts in Vietnamese words.
//! - [`totp`]: one-time passwords of authenticator apps (RFC 6238), the second factor.
//! - [`validate`]: citizen ID, tax code, phone number and e-mail validators.

pub mod calendar;
pub mod catalog;
pub mod deadline;
pub mod dossier;
pub mod dossier_code;
pub mod eform;
pub mod events;
pub mod lunar;
pub mod money;
mod serde_formats;
pub mod totp;
pub mod validate;

pub use calendar::VIETNAM_TIME;
