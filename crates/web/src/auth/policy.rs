//! The access policy: every route in the route table names who may call it, and one
//! middleware enforces it after routing. A route missing from the table is refused to
//! everyone (fail closed) and logged, so a forgotten policy cannot open a route.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use motcua_store::api_tokens::{ApiToken, TokenRejection};
use motcua_store::dossiers::Dossier;
use motcua_store::{Db, StoreResult};

use super::session::{CurrentSession, Principal};
use crate::{AppError, AppState, routes};

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
            Access::CounterStaff => session.and_then(|s| s.principal.as_ref()).is_some_and(|p| {
                p.roles
                    .iter()
                    .any(|r| r.role == "reception" || r.role == "volunteer")
            }),
            Access::Reception => session.and_then(|s| s.principal.as_ref()).is_some_and(|p| {
                p.roles
                    .iter()
                    .any(|r| r.role == "reception" && r.agency_id.is_some())
            }),
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
                .is_some_and(Principal::is_system_admin),
            Access::ApiToken(_) => false,
        }
    }
}

/// Whose configuration (procedures, settings) a principal may change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigScope {
    /// A system administrator: everything.
    All,
    /// An agency administrator: these agencies and those under them.
    Agencies(Vec<i64>),
}

/// The agencies where a principal holds the agency administrator role.
pub fn administered_agencies(principal: &Principal) -> Vec<i64> {
    principal
        .roles
        .iter()
        .filter(|r| r.role == "agency_admin")
        .filter_map(|r| r.agency_id)
        .collect()
}

/// What configuration a principal may change.
pub async fn config_scope(db: &Db, principal: &Principal) -> StoreResult<ConfigScope> {
    if principal.is_system_admin() {
        return Ok(ConfigScope::All);
    }
    Ok(ConfigScope::Agencies(
        db.agency_subtree(&administered_agencies(principal)).await?,
    ))
}

/// The agencies whose configuration a principal may change (every agency for a
/// system administrator).
pub async fn managed_agencies(
    db: &Db,
    principal: &Principal,
) -> StoreResult<Vec<motcua_store::agencies::Agency>> {
    Ok(match config_scope(db, principal).await? {
        ConfigScope::All => db.agencies().await?,
        ConfigScope::Agencies(ids) => {
            let mut list = Vec::new();
            for id in ids {
                if let Some(agency) = db.agency(id).await? {
                    list.push(agency);
                }
            }
            list
        }
    })
}

/// Whether a principal may edit a procedure: system administrators always; agency
/// administrators when an agency in their scope implements it.
pub async fn may_edit_procedure(db: &Db, principal: &Principal, code: &str) -> StoreResult<bool> {
    Ok(match config_scope(db, principal).await? {
        ConfigScope::All => true,
        ConfigScope::Agencies(scope) => db
            .procedure_agency_ids(code)
            .await?
            .iter()
            .any(|id| scope.contains(id)),
    })
}

/// Whose dossiers a principal may see and act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DossierScope {
    /// A citizen or organisation: dossiers whose applicant is one of these accounts
    /// (their own, and those of organisations they represent).
    Applicants(Vec<i64>),
    /// An official: dossiers handled by these agencies (their own; for leaders also
    /// every agency under theirs).
    Agencies(Vec<i64>),
    /// No dossiers: system administrators and volunteers, agency administrators in
    /// their administrator role (they configure, they do not process).
    Nothing,
}

impl DossierScope {
    pub fn covers(&self, dossier: &Dossier) -> bool {
        match self {
            DossierScope::Applicants(ids) => dossier.applicant_id.is_some_and(|a| ids.contains(&a)),
            DossierScope::Agencies(ids) => {
                ids.contains(&dossier.agency_id)
                    || dossier.handling_agency_id.is_some_and(|h| ids.contains(&h))
            }
            DossierScope::Nothing => false,
        }
    }
}

/// Official roles that work on the dossiers of their agency.
const PROCESSING_ROLES: &[&str] = &["reception", "specialist", "leader"];

/// The dossiers a principal may see.
pub async fn dossier_scope(db: &Db, principal: &Principal) -> StoreResult<DossierScope> {
    let account = &principal.account;
    match account.kind.as_str() {
        "citizen" | "organisation" => {
            let mut ids = vec![account.id];
            ids.extend(db.represented_by(account.id).await?);
            Ok(DossierScope::Applicants(ids))
        }
        _ => {
            let mut agencies: Vec<i64> = Vec::new();
            let mut led: Vec<i64> = Vec::new();
            for grant in &principal.roles {
                let Some(agency) = grant.agency_id else {
                    continue;
                };
                if grant.role == "leader" {
                    led.push(agency);
                } else if PROCESSING_ROLES.contains(&grant.role.as_str()) {
                    agencies.push(agency);
                }
            }
            agencies.extend(db.agency_subtree(&led).await?);
            agencies.sort_unstable();
            agencies.dedup();
            Ok(if agencies.is_empty() {
                DossierScope::Nothing
            } else {
                DossierScope::Agencies(agencies)
            })
        }
    }
}

/// Whether a dossier was filed by an agency the principal works in (through the
/// agency's account).
async fn filed_by_own_agency(
    db: &Db,
    principal: &Principal,
    dossier: &Dossier,
) -> StoreResult<bool> {
    if principal.account.kind != "official" {
        return Ok(false);
    }
    let Some(applicant) = dossier.applicant_id else {
        return Ok(false);
    };
    Ok(match db.agency_of_account(applicant).await? {
        Some(agency) => principal
            .roles
            .iter()
            .any(|r| r.agency_id == Some(agency) && r.role != "volunteer"),
        None => false,
    })
}

/// Whether a principal may see a dossier; a refusal is logged.
pub async fn may_see_dossier(
    db: &Db,
    principal: &Principal,
    dossier: &Dossier,
) -> StoreResult<bool> {
    // Whoever filled it in online (a helper at an access point) may see it too.
    let allowed = dossier_scope(db, principal).await?.covers(dossier)
        || dossier.filed_by == Some(principal.account.id)
        || filed_by_own_agency(db, principal, dossier).await?;
    if !allowed {
        tracing::warn!(
            account = principal.account.id,
            dossier = %dossier.code,
            "access denied: dossier outside the account's scope"
        );
    }
    Ok(allowed)
}

/// The integration calling an API route with a token: the token and its account.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub token: ApiToken,
    pub principal: Principal,
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
        principal: Principal { account, roles },
    });
    Ok(())
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
    let method = request.method().as_str().to_string();
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
        // A known path asked with a method it does not serve: no handler runs, and the
        // router answers 405.
        None if routes::route_table()
            .iter()
            .chain(extra.0.iter())
            .any(|r| r.path == matched) =>
        {
            next.run(request).await
        }
        None => {
            tracing::error!(route = %matched, %method, "route has no access policy in the route table; refused");
            AppError::Forbidden.into_response()
        }
    }
}
