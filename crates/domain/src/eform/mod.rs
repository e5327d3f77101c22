//! E-forms: the definition each procedure version carries (steps of typed fields,
//! conditional fields, repeating groups, addresses, rules for document slots), checked
//! on import; and the answers to it, read step by step, checked with a Vietnamese
//! message per field, normalised for submission and written out for people.

mod answers;
mod definition;
mod model;
mod slots;

pub use answers::{
    Answers, Context, Places, ProfileFacts, Scope, display, group_thousands, has_value, holds,
    item_name, merge_step, merge_step_json, normalize, parse_date, parse_money, parse_number,
    prefill, validate, visible,
};
pub use definition::{MAX_GROUP_ITEMS, check_definition, parse_definition};
pub use model::{
    Condition, DateRange, DocumentRule, FORM_FORMAT, Field, FieldType, FileKind, FormDefinition,
    OnlineUse, Prefill, Step,
};
pub use slots::{Slot, document_slots};
