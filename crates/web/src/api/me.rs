//! `/api/v1/me`: the account behind an API token, so an integration can check its
//! token and what it may do.

use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::policy::ApiCaller;

/// A role held in an agency.
#[derive(Serialize, ToSchema)]
pub struct RoleDto {
    role: String,
    agency_id: Option<i64>,
}

/// The token's account and the token itself.
#[derive(Serialize, ToSchema)]
pub struct Me {
    account_id: i64,
    /// `citizen`, `organisation`, `official` or `admin`
    kind: String,
    full_name: String,
    roles: Vec<RoleDto>,
    /// The token's name, as its owner gave it
    token_name: String,
    scopes: Vec<String>,
    /// RFC 3339, in Vietnam's time zone
    expires_at: String,
}

#[utoipa::path(
    get,
    path = "/api/v1/me",
    responses(
        (status = 200, body = Me),
        (status = 401, body = crate::error::ApiErrorBody, description = "Thiếu khóa API, hoặc khóa đã hết hạn hay bị thu hồi"),
        (status = 403, body = crate::error::ApiErrorBody, description = "Khóa không có phạm vi account:read")
    ),
    security(("api_token" = ["account:read"])),
    tag = "account"
)]
pub async fn me(Extension(caller): Extension<ApiCaller>) -> Json<Me> {
    let account = &caller.principal.account;
    Json(Me {
        account_id: account.id,
        kind: account.kind.clone(),
        full_name: account.full_name.clone(),
        roles: caller
            .principal
            .roles
            .iter()
            .map(|r| RoleDto {
                role: r.role.clone(),
                agency_id: r.agency_id,
            })
            .collect(),
        token_name: caller.token.name.clone(),
        scopes: caller.token.scopes.split(' ').map(str::to_string).collect(),
        expires_at: motcua_store::time::from_micros(caller.token.expires_at)
            .with_timezone(&motcua_domain::VIETNAM_TIME)
            .to_rfc3339(),
    })
}
