//! Reading query parameters with a Vietnamese message per bad field (axum's own
//! rejection would be a bare 400 in English).

use std::collections::HashMap;
use std::str::FromStr;

use crate::FieldError;

/// The query string of a request, read field by field; problems accumulate so the
/// answer lists every bad field at once.
pub struct QueryFields {
    values: HashMap<String, String>,
    pub errors: Vec<FieldError>,
}

impl QueryFields {
    pub fn new(values: HashMap<String, String>) -> Self {
        Self {
            values,
            errors: Vec::new(),
        }
    }

    /// A non-empty text value, if given.
    pub fn text(&self, name: &str) -> Option<String> {
        self.values
            .get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// A value parsed with `parse`; a bad one records `message`.
    pub fn parsed<T>(
        &mut self,
        name: &str,
        message: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        let raw = self.text(name)?;
        match parse(&raw) {
            Some(value) => Some(value),
            None => {
                self.fail(name, message);
                None
            }
        }
    }

    /// A number, if given.
    pub fn number<T: FromStr>(&mut self, name: &str, message: &str) -> Option<T> {
        self.parsed(name, message, |raw| raw.parse().ok())
    }

    /// A required value: records `message` when missing.
    pub fn require<T>(&mut self, name: &str, value: Option<T>, message: &str) -> Option<T> {
        if value.is_none() && !self.errors.iter().any(|e| e.field == name) {
            self.fail(name, message);
        }
        value
    }

    pub fn fail(&mut self, name: &str, message: &str) {
        self.errors.push(FieldError {
            field: name.to_string(),
            message: message.to_string(),
        });
    }
}
