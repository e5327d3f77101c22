//! Time-based one-time passwords (RFC 6238, with HOTP of RFC 4226): the second factor
//! officials use, as authenticator apps compute it (HMAC-SHA1, 30-second steps, six
//! digits), and base32 (RFC 4648) for sharing the secret.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP_SECS: u64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Steps either side of now that are accepted, for clocks that drift.
pub const WINDOW: u64 = 1;

/// The code of one step (RFC 4226 §5.3 dynamic truncation).
///
/// ```
/// // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s.
/// let code = motcua_domain::totp::code(b"12345678901234567890", 59 / 30);
/// assert_eq!(code, 287082);
/// ```
pub fn code(secret: &[u8], step: u64) -> u32 {
    let mut mac =
        <Hmac<Sha1> as KeyInit>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(DIGITS)
}

/// Checks a typed code at `unix_secs`; returns the step it matched. A step at or before
/// `last_used` is refused, so a code cannot be used twice.
///
/// ```
/// use motcua_domain::totp::{code, verify};
///
/// let secret = b"12345678901234567890";
/// let now = 1_111_111_109;
/// let typed = format!("{:06}", code(secret, now / 30));
/// let step = verify(secret, &typed, now, None).unwrap();
/// assert_eq!(verify(secret, &typed, now, Some(step)), None, "no replay");
/// assert_eq!(verify(secret, "000000", now, None), None);
/// ```
pub fn verify(secret: &[u8], typed: &str, unix_secs: u64, last_used: Option<u64>) -> Option<u64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = typed.parse().ok()?;
    let now = unix_secs / STEP_SECS;
    (now.saturating_sub(WINDOW)..=now + WINDOW)
        .filter(|step| last_used.is_none_or(|last| *step > last))
        .find(|&step| code(secret, step) == typed)
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 without padding, as authenticator apps take secrets.
///
/// ```
/// assert_eq!(motcua_domain::totp::base32_encode(b"foobar"), "MZXW6YTBOI");
/// ```
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Reads base32 (case and spaces ignored, padding optional); `None` if malformed.
///
/// ```
/// assert_eq!(motcua_domain::totp::base32_decode("mzxw 6ytb oi======").unwrap(), b"foobar");
/// assert!(motcua_domain::totp::base32_decode("1").is_none());
/// ```
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = ALPHABET
            .iter()
            .position(|&a| char::from(a) == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8-digit codes there; the last six digits here).
    #[test]
    fn rfc_6238_vectors() {
        let secret = b"12345678901234567890";
        for (time, eight_digits) in [
            (59u64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(
                code(secret, time / STEP_SECS),
                eight_digits % 1_000_000,
                "T = {time}"
            );
        }
    }

    #[test]
    fn neighbouring_steps_are_accepted_and_others_not() {
        let secret = b"12345678901234567890";
        let now = 1_700_000_000u64;
        let step = now / STEP_SECS;
        let previous = format!("{:06}", code(secret, step - 1));
        assert_eq!(verify(secret, &previous, now, None), Some(step - 1));
        let old = format!("{:06}", code(secret, step - 3));
        assert_eq!(verify(secret, &old, now, None), None);
        assert_eq!(verify(secret, "12345", now, None), None);
        assert_eq!(verify(secret, "abcdef", now, None), None);
    }

    #[test]
    fn base32_round_trips() {
        for bytes in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"fooba",
            b"foobar",
            &[0xff; 20],
        ] {
            assert_eq!(base32_decode(&base32_encode(bytes)).unwrap(), bytes);
        }
    }
}
