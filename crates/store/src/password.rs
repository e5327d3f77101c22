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

/// At most this many hashes are computed at once, each on a blocking thread: a burst
/// of sign-ins then waits its turn instead of stalling every other request on the
/// async workers (argon2 takes tens of milliseconds of CPU by design). One core is
/// left for everything else.
static SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))
});

async fn off_the_workers<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let _slot = SLOTS
        .acquire()
        .await
        .expect("the semaphore is never closed");
    tokio::task::spawn_blocking(work)
        .await
        .expect("password hashing does not panic")
}

/// [`hash_password`] on a blocking thread, limited as described at [`SLOTS`].
pub async fn hash(password: &str) -> StoreResult<String> {
    let password = password.to_string();
    off_the_workers(move || hash_password(&password)).await
}

/// [`verify_password`] on a blocking thread, limited as described at [`SLOTS`].
pub async fn verify(password: &str, phc: &str) -> bool {
    let (password, phc) = (password.to_string(), phc.to_string());
    off_the_workers(move || verify_password(&password, &phc)).await
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
