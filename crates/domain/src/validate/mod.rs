//! Validators for what people type into forms: citizen ID numbers, tax codes, mobile
//! phone numbers and e-mail addresses. Each parses text into a normalised value or a
//! typed error whose message is Vietnamese; [`FieldErrors`] gathers those messages per
//! form field for a 422 response.

mod citizen_id;
mod email;
mod phone;
mod tax_code;

use std::fmt;

use serde::Serialize;

pub use citizen_id::{CitizenId, CitizenIdError, Sex};
pub use email::{Email, EmailError};
pub use phone::{Carrier, PhoneError, PhoneNumber};
pub use tax_code::{TaxCode, TaxCodeError};

/// A message about one form field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name in the form or the API, e.g. `citizen_id`.
    pub field: String,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

/// The messages about a form's fields, in the order found; in JSON, a list of
/// `{"field": ..., "message": ...}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// No messages yet.
    ///
    /// ```
    /// assert!(motcua_domain::validate::FieldErrors::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a message about `field`.
    ///
    /// ```
    /// use motcua_domain::validate::FieldErrors;
    ///
    /// let mut errors = FieldErrors::new();
    /// errors.add("full_name", "Họ và tên không được để trống");
    /// assert_eq!(errors.iter().next().unwrap().field, "full_name");
    /// ```
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// The value of `result`, or `None` after recording its error's message for `field`.
    ///
    /// ```
    /// use motcua_domain::validate::{FieldErrors, PhoneNumber};
    ///
    /// let mut errors = FieldErrors::new();
    /// let phone = errors.check("phone", "0912 345 678".parse::<PhoneNumber>());
    /// let other = errors.check("other_phone", "12345".parse::<PhoneNumber>());
    /// assert!(phone.is_some() && other.is_none());
    /// assert_eq!(errors.iter().count(), 1);
    /// ```
    pub fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result
            .map_err(|error| self.add(field, error.to_string()))
            .ok()
    }

    /// Whether there is no message.
    ///
    /// ```
    /// let mut errors = motcua_domain::validate::FieldErrors::new();
    /// errors.add("email", "Thiếu địa chỉ thư điện tử");
    /// assert!(!errors.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The messages.
    ///
    /// ```
    /// let errors = motcua_domain::validate::FieldErrors::new();
    /// assert_eq!(errors.iter().count(), 0);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// `Ok(value)` when there is no message, the messages otherwise.
    ///
    /// ```
    /// use motcua_domain::validate::FieldErrors;
    ///
    /// assert_eq!(FieldErrors::new().into_result(42), Ok(42));
    /// let mut errors = FieldErrors::new();
    /// errors.add("email", "Thiếu địa chỉ thư điện tử");
    /// assert!(errors.into_result(42).is_err());
    /// ```
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", error.field, error.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

/// `text` without spaces and the separators people type inside numbers.
fn compact(text: &str, separators: &[char]) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !separators.contains(c))
        .collect()
}
