//! Every route of the application, in one place.

use axum::Router;
use axum::routing::get;

use crate::{AppState, api, assets, error, health, layers, pages};

/// One row of the route table: method, path, and who may call it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    /// `public` (anyone, signed in or not) until roles exist.
    pub access: &'static str,
}

/// The routes served by [`app`], for documentation and authorization tests.
pub fn route_table() -> &'static [RouteInfo] {
    &[
        RouteInfo {
            method: "GET",
            path: "/",
            access: "public",
        },
        RouteInfo {
            method: "GET",
            path: "/healthz",
            access: "public",
        },
        RouteInfo {
            method: "GET",
            path: "/readyz",
            access: "public",
        },
        RouteInfo {
            method: "GET",
            path: "/static/{file}",
            access: "public",
        },
    ]
}

/// The application: routes plus the middleware stack (request ids, logs, metrics,
/// security headers, compression, limits and timeouts, error pages).
pub fn app(state: AppState) -> Router {
    app_with(state, Router::new())
}

/// The application with extra routes, which run through the same middleware (used by
/// tests to exercise the stack with slow or failing handlers).
pub fn app_with(state: AppState, extra: Router<AppState>) -> Router {
    crate::metrics::recorder();
    let config = state.config().clone();
    let routes = Router::new()
        .route("/", get(pages::home::show))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/static/{file}", get(assets::serve))
        .route("/thu-tuc", get(pages::catalog::search))
        .route("/thu-tuc/{code}", get(pages::catalog::procedure))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/procedures", get(api::procedures::list))
        .route("/api/v1/procedures/suggest", get(api::procedures::suggest))
        .route("/api/v1/procedures/export", get(api::procedures::export))
        .route("/api/v1/procedures/{code}", get(api::procedures::detail))
        .route("/api/v1/calendar/holidays", get(api::calendar::holidays))
        .route("/api/v1/calendar/lunar", get(api::calendar::lunar))
        .route("/api/v1/calendar/due", get(api::calendar::due))
        .merge(extra)
        .fallback(error::not_found);
    layers::apply(routes, &config).with_state(state)
}
