//! ID-token verification: a compact JWS signed with RS256 by one of the provider's
//! keys, whose claims name the expected issuer, audience and nonce and have not
//! expired. Anything else (another algorithm, `none`, a bad signature) is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use serde::Deserialize;

/// Clock difference tolerated between us and the provider, in seconds.
const LEEWAY_SECS: i64 = 60;

/// One public key of the provider's JWKS (only RSA keys are used).
#[derive(Clone, Debug, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// What the token must say.
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    /// Unix seconds.
    pub now: i64,
}

/// The verified claims: the subject and every other claim as sent.
#[derive(Clone, Debug)]
pub struct IdTokenClaims {
    pub issuer: String,
    pub subject: String,
    pub all: serde_json::Map<String, serde_json::Value>,
}

impl IdTokenClaims {
    /// A claim as text (strings as they are, numbers written out).
    pub fn text(&self, name: &str) -> Option<String> {
        match self.all.get(name)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    #[error("not a compact JWS")]
    Malformed,
    #[error("algorithm {0} is not accepted (RS256 only)")]
    Algorithm(String),
    #[error("signed by a key the provider does not publish")]
    UnknownKey,
    #[error("signature does not verify")]
    Signature,
    #[error("issuer {0} is not the configured one")]
    Issuer(String),
    #[error("audience does not include this client")]
    Audience,
    #[error("expired")]
    Expired,
    #[error("issued in the future")]
    NotYetValid,
    #[error("nonce does not match this login")]
    Nonce,
    #[error("no subject")]
    Subject,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

fn decode(part: &str) -> Result<Vec<u8>, Refusal> {
    URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| Refusal::Malformed)
}

/// Verifies `token` against `keys` and `expected`.
pub fn verify_id_token(
    token: &str,
    keys: &Jwks,
    expected: &Expected<'_>,
) -> Result<IdTokenClaims, Refusal> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::Malformed);
    };
    let header: Header =
        serde_json::from_slice(&decode(header)?).map_err(|_| Refusal::Malformed)?;
    if header.alg != "RS256" {
        return Err(Refusal::Algorithm(header.alg));
    }
    let candidates: Vec<&Jwk> = keys
        .keys
        .iter()
        .filter(|k| k.kty == "RSA" && k.use_.as_deref().is_none_or(|u| u == "sig"))
        .filter(|k| header.kid.is_none() || k.kid == header.kid)
        .collect();
    if candidates.is_empty() {
        return Err(Refusal::UnknownKey);
    }
    let signature = decode(signature)?;
    let signed = &token[..header_and_payload_len(token)];
    let verified = candidates.iter().any(|key| {
        let (Some(n), Some(e)) = (&key.n, &key.e) else {
            return false;
        };
        let (Ok(n), Ok(e)) = (decode(n), decode(e)) else {
            return false;
        };
        RsaPublicKeyComponents { n: &n, e: &e }
            .verify(&RSA_PKCS1_2048_8192_SHA256, signed.as_bytes(), &signature)
            .is_ok()
    });
    if !verified {
        return Err(Refusal::Signature);
    }
    let claims: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&decode(payload)?).map_err(|_| Refusal::Malformed)?;
    check_claims(claims, expected)
}

/// The length of `header.payload`, the signed part.
fn header_and_payload_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(0)
}

fn check_claims(
    claims: serde_json::Map<String, serde_json::Value>,
    expected: &Expected<'_>,
) -> Result<IdTokenClaims, Refusal> {
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let issuer = text("iss").unwrap_or_default();
    if issuer.trim_end_matches('/') != expected.issuer.trim_end_matches('/') {
        return Err(Refusal::Issuer(issuer));
    }
    let audience_ok = match claims.get("aud") {
        Some(serde_json::Value::String(aud)) => aud == expected.client_id,
        Some(serde_json::Value::Array(list)) => {
            list.iter().any(|a| a.as_str() == Some(expected.client_id))
                // With several audiences, the token must be meant for us.
                && (list.len() == 1 || text("azp").as_deref() == Some(expected.client_id))
        }
        _ => false,
    };
    if !audience_ok {
        return Err(Refusal::Audience);
    }
    let number = |name: &str| claims.get(name).and_then(serde_json::Value::as_i64);
    match number("exp") {
        Some(exp) if exp + LEEWAY_SECS > expected.now => {}
        _ => return Err(Refusal::Expired),
    }
    if number("iat").is_some_and(|iat| iat > expected.now + LEEWAY_SECS) {
        return Err(Refusal::NotYetValid);
    }
    if text("nonce").as_deref() != Some(expected.nonce) {
        return Err(Refusal::Nonce);
    }
    let subject = text("sub")
        .filter(|s| !s.is_empty())
        .ok_or(Refusal::Subject)?;
    Ok(IdTokenClaims {
        issuer,
        subject,
        all: claims,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        json.as_object().cloned().unwrap()
    }

    const EXPECTED: Expected<'static> = Expected {
        issuer: "https://id.example",
        client_id: "motcua",
        nonce: "n1",
        now: 1_000_000,
    };

    #[test]
    fn claims_are_checked_one_by_one() {
        let good = serde_json::json!({
            "iss": "https://id.example", "aud": "motcua", "exp": 1_000_100,
            "iat": 999_990, "nonce": "n1", "sub": "abc"
        });
        assert_eq!(
            check_claims(claims(good.clone()), &EXPECTED)
                .unwrap()
                .subject,
            "abc"
        );
        let with = |key: &str, value: serde_json::Value| {
            let mut c = claims(good.clone());
            c.insert(key.into(), value);
            check_claims(c, &EXPECTED).unwrap_err()
        };
        assert_eq!(
            with("iss", "https://evil.example".into()),
            Refusal::Issuer("https://evil.example".into())
        );
        assert_eq!(with("aud", "other".into()), Refusal::Audience);
        assert_eq!(
            with("aud", serde_json::json!(["motcua", "other"])),
            Refusal::Audience
        );
        assert_eq!(with("exp", 999_000.into()), Refusal::Expired);
        assert_eq!(with("iat", 1_001_000.into()), Refusal::NotYetValid);
        assert_eq!(with("nonce", "n2".into()), Refusal::Nonce);
        assert_eq!(with("sub", "".into()), Refusal::Subject);
        let mut several = claims(good);
        several.insert("aud".into(), serde_json::json!(["motcua", "other"]));
        several.insert("azp".into(), "motcua".into());
        assert!(check_claims(several, &EXPECTED).is_ok());
    }

    #[test]
    fn other_algorithms_and_malformed_tokens_are_refused() {
        let keys = Jwks { keys: Vec::new() };
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(br#"{"sub":"x"}"#)
        );
        assert_eq!(
            verify_id_token(&none, &keys, &EXPECTED).unwrap_err(),
            Refusal::Algorithm("none".into())
        );
        assert_eq!(
            verify_id_token("a.b", &keys, &EXPECTED).unwrap_err(),
            Refusal::Malformed
        );
        let hs = format!(
            "{}.{}.c2ln",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#),
            URL_SAFE_NO_PAD.encode(br#"{"sub":"x"}"#)
        );
        assert_eq!(
            verify_id_token(&hs, &keys, &EXPECTED).unwrap_err(),
            Refusal::Algorithm("HS256".into())
        );
    }
}
