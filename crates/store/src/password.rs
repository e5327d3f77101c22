//! Password hashing with argon2id (the crate's defaults follow OWASP's guidance).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::{StoreError, StoreResult};

/// A real hash of a random password, verified against when an account does not exist
/// so that the answer takes as long as for an existing one.
pub static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hash_password(&crate::sessions::random_token()).unwrap_or_default()
});

/// Hashes a password into a PHC string (algorithm, parameters, salt and hash).
pub fn hash_password(password: &str) -> StoreResult<String> {
    let mut salt_bytes = [0u8; 16];
    rand::fill(&mut salt_bytes);
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| StoreError::Invalid(e.to_string()))
}

/// True when `password` matches the stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash_password("mật khẩu dài").unwrap();
        let b = hash_password("mật khẩu dài").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify_password("mật khẩu dài", &a));
        assert!(!verify_password("mat khau dai", &a));
        assert!(!verify_password("x", "not a hash"));
    }
}
