//! A small OpenID Connect provider on loopback, started by a test, standing in for the
//! national e-ID: discovery, an authorization endpoint that signs in whoever the test
//! chose (or answers `access_denied`), a token endpoint that checks the client's
//! credentials, the redirect URI and the PKCE verifier, and a JWKS. ID tokens are
//! signed with RS256 by a fixed test key, or after [`OidcProvider::rotate`] by a second
//! one, which the JWKS then also publishes (as providers rotate their keys).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::rsa::PublicKeyComponents;
use ring::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "motcua-test";
pub const CLIENT_SECRET: &str = "bi-mat-cua-ung-dung";

/// The person signed in at the provider.
#[derive(Clone, Debug)]
pub struct Person {
    pub subject: String,
    pub name: String,
    pub citizen_id: Option<String>,
}

/// Ways the provider can misbehave, for tests of what the client refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tamper {
    /// The ID token carries another nonce.
    WrongNonce,
    /// The ID token's payload is changed after signing.
    AlteredPayload,
    /// The provider's clock is this many seconds off (its `iat` and `exp` move).
    Clock(i64),
}

struct Grant {
    redirect_uri: String,
    challenge: String,
    nonce: String,
    person: Person,
}

struct Provider {
    issuer: String,
    /// The signing keys with their ids; the first `published` are in the JWKS, and the
    /// last of those signs.
    keys: Vec<(&'static str, RsaKeyPair)>,
    published: Mutex<usize>,
    person: Mutex<Option<Person>>,
    grants: Mutex<HashMap<String, Grant>>,
    tamper: Mutex<Option<Tamper>>,
    /// Token requests answered, for assertions.
    token_requests: Mutex<u32>,
}

pub struct OidcProvider {
    pub issuer: String,
    provider: Arc<Provider>,
}

fn test_key(pem: &str) -> RsaKeyPair {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    RsaKeyPair::from_pkcs8(&STANDARD.decode(body).unwrap()).unwrap()
}

impl OidcProvider {
    /// Starts the provider on a loopback port chosen by the OS.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let provider = Arc::new(Provider {
            issuer: issuer.clone(),
            keys: vec![
                (
                    "test-1",
                    test_key(include_str!("../fixtures/oidc_test_key.pem")),
                ),
                (
                    "test-2",
                    test_key(include_str!("../fixtures/oidc_test_key_2.pem")),
                ),
            ],
            published: Mutex::new(1),
            person: Mutex::new(None),
            grants: Mutex::new(HashMap::new()),
            tamper: Mutex::new(None),
            token_requests: Mutex::new(0),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/jwks", get(jwks))
            .with_state(provider.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { issuer, provider }
    }

    /// Who will be signed in at the provider (`None`: the person cancels).
    pub fn sign_in_as(&self, person: Option<Person>) {
        *self.provider.person.lock().unwrap() = person;
    }

    /// Publishes the second key and signs with it from now on.
    pub fn rotate(&self) {
        *self.provider.published.lock().unwrap() = 2;
    }

    pub fn tamper(&self, tamper: Option<Tamper>) {
        *self.provider.tamper.lock().unwrap() = tamper;
    }

    pub fn token_requests(&self) -> u32 {
        *self.provider.token_requests.lock().unwrap()
    }
}

async fn discovery(State(p): State<Arc<Provider>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "issuer": p.issuer,
        "authorization_endpoint": format!("{}/authorize", p.issuer),
        "token_endpoint": format!("{}/token", p.issuer),
        "jwks_uri": format!("{}/jwks", p.issuer),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks(State(p): State<Arc<Provider>>) -> Json<serde_json::Value> {
    let published = *p.published.lock().unwrap();
    let keys: Vec<serde_json::Value> = p.keys[..published]
        .iter()
        .map(|(kid, key)| {
            let public = PublicKeyComponents::<Vec<u8>>::from(key.public_key());
            serde_json::json!({
                "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                "n": URL_SAFE_NO_PAD.encode(&public.n),
                "e": URL_SAFE_NO_PAD.encode(&public.e),
            })
        })
        .collect();
    Json(serde_json::json!({ "keys": keys }))
}

async fn authorize(
    State(p): State<Arc<Provider>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| q.get(name).cloned().unwrap_or_default();
    if field("client_id") != CLIENT_ID
        || field("response_type") != "code"
        || field("code_challenge_method") != "S256"
        || field("code_challenge").is_empty()
        || !field("scope").split(' ').any(|s| s == "openid")
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let redirect_uri = field("redirect_uri");
    let state = url_encode(&field("state"));
    let Some(person) = p.person.lock().unwrap().clone() else {
        return Redirect::to(&format!("{redirect_uri}?error=access_denied&state={state}"))
            .into_response();
    };
    let code = URL_SAFE_NO_PAD.encode(rand_bytes());
    p.grants.lock().unwrap().insert(
        code.clone(),
        Grant {
            redirect_uri: redirect_uri.clone(),
            challenge: field("code_challenge"),
            nonce: field("nonce"),
            person,
        },
    );
    Redirect::to(&format!("{redirect_uri}?code={code}&state={state}")).into_response()
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn rand_bytes() -> [u8; 24] {
    let mut bytes = [0u8; 24];
    ring::rand::SecureRandom::fill(&SystemRandom::new(), &mut bytes).unwrap();
    bytes
}

async fn token(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    *p.token_requests.lock().unwrap() += 1;
    let expected = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(&expected)
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let grant = p.grants.lock().unwrap().remove(&field("code"));
    let invalid = || {
        (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": "invalid_grant"})),
        )
            .into_response()
    };
    let Some(grant) = grant else {
        return invalid();
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier").as_bytes()));
    if field("grant_type") != "authorization_code"
        || field("redirect_uri") != grant.redirect_uri
        || challenge != grant.challenge
    {
        return invalid();
    }
    let tamper = *p.tamper.lock().unwrap();
    let skew = match tamper {
        Some(Tamper::Clock(seconds)) => seconds,
        _ => 0,
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + skew;
    let mut claims = serde_json::json!({
        "iss": p.issuer, "sub": grant.person.subject, "aud": CLIENT_ID,
        "iat": now, "exp": now + 300,
        "nonce": if tamper == Some(Tamper::WrongNonce) { "other".to_string() } else { grant.nonce },
        "name": grant.person.name,
    });
    if let Some(id) = &grant.person.citizen_id {
        claims["citizen_id"] = id.clone().into();
    }
    let (kid, key) = &p.keys[*p.published.lock().unwrap() - 1];
    let mut id_token = sign(kid, key, &claims);
    if tamper == Some(Tamper::AlteredPayload) {
        claims["sub"] = "someone-else".into();
        let signature = id_token.rsplit('.').next().unwrap().to_string();
        let unsigned = sign(kid, key, &claims);
        let head = &unsigned[..unsigned.rfind('.').unwrap()];
        id_token = format!("{head}.{signature}");
    }
    Json(serde_json::json!({
        "access_token": URL_SAFE_NO_PAD.encode(rand_bytes()),
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}

fn sign(kid: &str, key: &RsaKeyPair, claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD
        .encode(serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": kid}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
    let signing_input = format!("{header}.{payload}");
    let mut signature = vec![0u8; key.public().modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        signing_input.as_bytes(),
        &mut signature,
    )
    .unwrap();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}
