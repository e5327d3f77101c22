//! The access policy: every route in the route table names who may call it, and one
//! middleware enforces it after routing. A route missing from the table is refused to
//! everyone (fail closed) and logged, so a forgotten policy cannot open a route.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use motcua_store::api_tokens::{ApiToken, TokenRejection};

use super::session::CurrentSession;
use crate::{AppError, AppState, routes};
use motcua_app::access::Actor;
pub use motcua_app::access::{
    ConfigScope, DossierScope, PROCESSING_ROLES, administered_agencies, config_scope,
    dossier_scope, managed_agencies, may_edit_procedure, may_see_dossier,
};

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// An official or administrator between password and second factor.
    SecondFactorPending,
    /// An official at a counter (reception desk or volunteer), second factor passed.
    CounterStaff,
    /// An official of a reception desk (not a volunteer), second factor passed.
    Reception,
    /// An official who processes dossiers (reception desk, specialist or leader of some
    /// agency; each handler checks the dossier's agency), second factor passed.
    Official,
    /// An agency administrator (of any agency; each handler checks the agency) or a
    /// system administrator, second factor passed.
    AgencyAdmin,
    /// A system administrator (second factor passed).
    SystemAdmin,
    /// An integration presenting a live API token (`Authorization: Bearer …`) that
    /// holds this scope. Browser sessions do not count.
    ApiToken(&'static str),
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::SignedIn => "signed_in",
            Access::SecondFactorPending => "second_factor_pending",
            Access::CounterStaff => "counter_staff",
            Access::Official => "official",
            Access::Reception => "reception",
            Access::AgencyAdmin => "agency_admin",
            Access::SystemAdmin => "system_admin",
            Access::ApiToken(_) => "api_token",
        }
    }

    /// Whether a visitor (signed in or not) may pass.
    pub fn allows(self, session: Option<&CurrentSession>) -> bool {
        match self {
            Access::Public => true,
            Access::SignedIn => session.is_some_and(|s| s.principal.is_some()),
            Access::SecondFactorPending => {
                session.is_some_and(|s| s.pending_second_factor.is_some())
            }
            Access::CounterStaff => session
                .and_then(|s| s.principal.as_ref())
                .is_some_and(motcua_app::access::at_a_counter),
            Access::Reception => session
                .and_then(|s| s.principal.as_ref())
                .is_some_and(motcua_app::access::at_reception),
            Access::Official => session.and_then(|s| s.principal.as_ref()).is_some_and(|p| {
                p.roles
                    .iter()
                    .any(|r| r.agency_id.is_some() && PROCESSING_ROLES.contains(&r.role.as_str()))
            }),
            Access::AgencyAdmin => session
                .and_then(|s| s.principal.as_ref())
                .is_some_and(|p| p.is_system_admin() || !administered_agencies(p).is_empty()),
            Access::SystemAdmin => session
                .and_then(|s| s.principal.as_ref())
                .is_some_and(Actor::is_system_admin),
            Access::ApiToken(_) => false,
        }
    }
}

/// The integration calling an API route with a token: the token and its account.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub token: ApiToken,
    pub principal: Actor,
}

/// Checks the bearer token of a request against `scope`; on success the caller is
/// put in the request's extensions.
async fn authorize_token(
    state: &AppState,
    request: &mut Request,
    scope: &'static str,
) -> Result<(), Response> {
    let refuse = |status: StatusCode, error: &str, description: &str| {
        let mut response = if status == StatusCode::UNAUTHORIZED {
            AppError::Unauthorized.into_response()
        } else {
            AppError::Forbidden.into_response()
        };
        let challenge = format!(
            "Bearer realm=\"motcua\", error=\"{error}\", error_description=\"{description}\", scope=\"{scope}\""
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    };
    let secret = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let Some(secret) = secret else {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_request",
            "token required",
        ));
    };
    let db = &state.store().db;
    let internal = |e: motcua_store::StoreError| AppError::from(e).into_response();
    let token = match db.authenticate_api_token(secret).await.map_err(internal)? {
        Ok(token) => token,
        Err(rejection) => {
            tracing::warn!(?rejection, "API token refused");
            let why = match rejection {
                TokenRejection::Unknown => "unknown token",
                TokenRejection::Expired => "token expired",
                TokenRejection::Revoked => "token revoked",
            };
            return Err(refuse(StatusCode::UNAUTHORIZED, "invalid_token", why));
        }
    };
    if !token.has_scope(scope) {
        tracing::warn!(token = token.id, scope, "API token lacks the scope");
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            "scope missing",
        ));
    }
    let account = db.account(token.account_id).await.map_err(internal)?;
    let Some(account) = account else {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "account gone",
        ));
    };
    let roles = db.roles_of(account.id).await.map_err(internal)?;
    request.extensions_mut().insert(ApiCaller {
        token,
        principal: Actor { account, roles },
    });
    Ok(())
}

/// 405 with the methods the route table has rules for.
fn method_not_allowed(path: &str, extra: &[routes::RouteInfo]) -> Response {
    let mut allowed: Vec<&str> = routes::route_table()
        .iter()
        .chain(extra.iter())
        .filter(|r| r.path == path)
        .map(|r| r.method)
        .collect();
    if allowed.contains(&"GET") {
        allowed.push("HEAD");
    }
    let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
    if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// Middleware: checks the matched route's policy for the current visitor.
pub async fn enforce(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let Some(matched) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
    else {
        // Unmatched requests reach the fallback (404); nothing to protect.
        return next.run(request).await;
    };
    // HEAD runs the GET handler (axum answers it without the body), so it is policed
    // as GET: a HEAD must never reach a handler a GET would not.
    let method = match request.method().as_str() {
        "HEAD" => "GET".to_string(),
        other => other.to_string(),
    };
    let extra = request
        .extensions()
        .get::<routes::ExtraPolicies>()
        .cloned()
        .unwrap_or_default();
    let policy = routes::route_table()
        .iter()
        .chain(extra.0.iter())
        .find(|r| r.path == matched && r.method == method)
        .map(|r| r.access);
    let session = request.extensions().get::<CurrentSession>();
    let signed_in = session.is_some_and(|s| s.principal.is_some());
    match policy {
        Some(Access::ApiToken(scope)) => match authorize_token(&state, &mut request, scope).await {
            Ok(()) => next.run(request).await,
            Err(refusal) => {
                tracing::warn!(route = %matched, %method, "access denied: API token");
                refusal
            }
        },
        Some(access) if access.allows(session) => next.run(request).await,
        Some(_) => {
            tracing::warn!(route = %matched, %method, signed_in, "access denied");
            if !signed_in && !matched.starts_with("/api/") && method == "GET" {
                // A page that needs signing in: go there, and come back after.
                let back = request
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = format!(
                    "/dang-nhap?tiep={}",
                    url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
                );
                let mut response = StatusCode::SEE_OTHER.into_response();
                if let Ok(value) = HeaderValue::from_str(&target) {
                    response.headers_mut().insert(header::LOCATION, value);
                }
                return response;
            }
            AppError::Forbidden.into_response()
        }
        // A known path asked with a method it has no rule for: refused here, before any
        // handler (the router would otherwise run a handler it serves that method with).
        None if routes::route_table()
            .iter()
            .chain(extra.0.iter())
            .any(|r| r.path == matched) =>
        {
            tracing::warn!(route = %matched, %method, "method without an access rule; refused");
            method_not_allowed(&matched, &extra.0)
        }
        None => {
            tracing::error!(route = %matched, %method, "route has no access policy in the route table; refused");
            AppError::Forbidden.into_response()
        }
    }
}
