//! `/api/v1/places/…`: the administrative units in force, for address pickers.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{AppError, AppState};

/// A commune (xã, phường, đặc khu).
#[derive(Serialize, ToSchema)]
pub struct PlaceDto {
    code: String,
    name: String,
}

/// The communes of a province.
#[derive(Serialize, ToSchema)]
pub struct Communes {
    province: String,
    communes: Vec<PlaceDto>,
}

#[utoipa::path(
    get,
    path = "/api/v1/places/{province}/communes",
    params(("province" = String, Path, description = "Mã tỉnh, thành phố, ví dụ 56")),
    responses(
        (status = 200, body = Communes),
        (status = 404, body = crate::error::ApiErrorBody, description = "Không có tỉnh với mã này")
    ),
    tag = "places"
)]
pub async fn communes(
    State(state): State<AppState>,
    Path(province): Path<String>,
) -> Result<Json<Communes>, AppError> {
    let places = state.places().await?;
    let list = places.communes_of(&province);
    if list.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(Json(Communes {
        communes: list
            .iter()
            .map(|(code, name)| PlaceDto {
                code: code.clone(),
                name: name.clone(),
            })
            .collect(),
        province,
    }))
}
