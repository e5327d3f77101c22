//! A generic OpenID Connect client for the national e-ID: discovery, the
//! authorization-code flow with PKCE (S256), the token exchange with client
//! credentials, and ID-token verification (RS256 against the provider's JWKS; issuer,
//! audience, expiry and nonce checked). Any provider that follows the standard works;
//! nothing here is specific to one.

mod id_token;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::RwLock;

pub use id_token::{IdTokenClaims, Jwk, Jwks, verify_id_token};

/// How motcua is registered with the provider.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcConfig {
    /// The issuer URL; `/.well-known/openid-configuration` is read under it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The claim that carries the 12-digit citizen ID number.
    pub citizen_id_claim: String,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("citizen_id_claim", &self.citizen_id_claim)
            .finish()
    }
}

/// The provider's endpoints, from its discovery document.
#[derive(Clone, Debug, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
}

/// What went wrong talking to the provider or with what it sent.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("provider unreachable or answered badly: {0}")]
    Provider(String),
    #[error("ID token refused: {0}")]
    IdToken(String),
}

/// Discovery and keys are cached this long (and keys refetched at once when a token
/// names an unknown key, so rotation works).
const CACHE_TTL: Duration = Duration::from_secs(3600);

/// The client, shared by every request.
#[derive(Debug)]
pub struct OidcClient {
    config: OidcConfig,
    http: reqwest::Client,
    discovery: RwLock<Option<(Arc<Discovery>, Instant)>>,
    jwks: RwLock<Option<(Arc<Jwks>, Instant)>>,
}

/// The PKCE challenge of a verifier (method S256).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A random URL-safe string of 32 bytes (state, nonce, PKCE verifier).
pub fn random_url_token() -> String {
    URL_SAFE_NO_PAD.encode(motcua_store::sessions::random_bytes::<32>())
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
}

impl OidcClient {
    pub fn new(config: OidcConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            config,
            http,
            discovery: RwLock::new(None),
            jwks: RwLock::new(None),
        }
    }

    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, OidcError> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| OidcError::Provider(format!("{url}: {e}")))?;
        if !response.status().is_success() {
            return Err(OidcError::Provider(format!(
                "{url}: status {}",
                response.status()
            )));
        }
        response
            .json()
            .await
            .map_err(|e| OidcError::Provider(format!("{url}: {e}")))
    }

    /// The provider's endpoints (cached).
    pub async fn discovery(&self) -> Result<Arc<Discovery>, OidcError> {
        if let Some((doc, at)) = self.discovery.read().await.as_ref()
            && at.elapsed() < CACHE_TTL
        {
            return Ok(doc.clone());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.config.issuer.trim_end_matches('/')
        );
        let doc: Discovery = self.get_json(&url).await?;
        if doc.issuer.trim_end_matches('/') != self.config.issuer.trim_end_matches('/') {
            return Err(OidcError::Provider(format!(
                "discovery names issuer {} instead of {}",
                doc.issuer, self.config.issuer
            )));
        }
        let doc = Arc::new(doc);
        *self.discovery.write().await = Some((doc.clone(), Instant::now()));
        Ok(doc)
    }

    /// The provider's signing keys; `refresh` skips the cache.
    async fn keys(&self, refresh: bool) -> Result<Arc<Jwks>, OidcError> {
        if !refresh
            && let Some((keys, at)) = self.jwks.read().await.as_ref()
            && at.elapsed() < CACHE_TTL
        {
            return Ok(keys.clone());
        }
        let discovery = self.discovery().await?;
        let keys: Arc<Jwks> = Arc::new(self.get_json(&discovery.jwks_uri).await?);
        *self.jwks.write().await = Some((keys.clone(), Instant::now()));
        Ok(keys)
    }

    /// Where to send the person: the authorization request.
    pub async fn authorization_url(
        &self,
        redirect_uri: &str,
        state: &str,
        nonce: &str,
        verifier: &str,
    ) -> Result<String, OidcError> {
        let discovery = self.discovery().await?;
        let mut url = url::Url::parse(&discovery.authorization_endpoint)
            .map_err(|e| OidcError::Provider(format!("authorization endpoint: {e}")))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", "openid profile")
            .append_pair("state", state)
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", &pkce_challenge(verifier))
            .append_pair("code_challenge_method", "S256");
        Ok(url.into())
    }

    /// Exchanges the authorization code for tokens and returns the verified claims
    /// of the ID token.
    pub async fn finish(
        &self,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
        nonce: &str,
    ) -> Result<IdTokenClaims, OidcError> {
        let discovery = self.discovery().await?;
        let response = self
            .http
            .post(&discovery.token_endpoint)
            .basic_auth(&self.config.client_id, Some(&self.config.client_secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", verifier),
                ("client_id", self.config.client_id.as_str()),
            ])
            .send()
            .await
            .map_err(|e| OidcError::Provider(format!("token endpoint: {e}")))?;
        if !response.status().is_success() {
            let status = response.status();
            let body: String = response
                .text()
                .await
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            return Err(OidcError::Provider(format!(
                "token endpoint: status {status}: {body}"
            )));
        }
        let tokens: TokenResponse = response
            .json()
            .await
            .map_err(|e| OidcError::Provider(format!("token endpoint: {e}")))?;
        let id_token = tokens
            .id_token
            .ok_or_else(|| OidcError::Provider("token endpoint sent no id_token".into()))?;
        let now = chrono::Utc::now().timestamp();
        let expected = id_token::Expected {
            issuer: &discovery.issuer,
            client_id: &self.config.client_id,
            nonce,
            now,
        };
        let keys = self.keys(false).await?;
        match verify_id_token(&id_token, &keys, &expected) {
            Err(id_token::Refusal::UnknownKey) => {
                let keys = self.keys(true).await?;
                verify_id_token(&id_token, &keys, &expected)
            }
            other => other,
        }
        .map_err(|e| OidcError::IdToken(e.to_string()))
    }
}
