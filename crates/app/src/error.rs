//! What a use case can fail with, independent of how it is shown: the web crate maps
//! each variant to a status and a Vietnamese page or a JSON body.

use motcua_store::StoreError;

/// A message about one input field, in Vietnamese.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Everything a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input, with a message per field.
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// Nothing there, or nothing the actor may see (the two are not told apart).
    #[error("not found")]
    NotFound,
    /// The actor may not do this.
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {0}")]
    Conflict(String),
    /// A conflict explained to the person in Vietnamese (what changed, what to do).
    #[error("refused: {0}")]
    Refused(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError {
            field: field.to_string(),
            message: message.into(),
        }])
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => Error::NotFound,
            StoreError::Conflict(message) => Error::Conflict(message),
            other => Error::Internal(other.to_string()),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
