//! Every route of the application, in one place.

use axum::Router;
use axum::routing::{get, post};

use crate::auth::Access;
use crate::{AppState, api, assets, error, health, layers, pages};

/// One row of the route table: method, path, and who may call it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    /// Who may call it; enforced for every request by [`crate::auth::policy::enforce`].
    pub access: Access,
}

const fn route(method: &'static str, path: &'static str, access: Access) -> RouteInfo {
    RouteInfo {
        method,
        path,
        access,
    }
}

/// Every route and who may call it. A route served but missing here is refused to
/// everyone.
#[rustfmt::skip]
const ROUTES: &[RouteInfo] = {
    use Access::{AgencyAdmin, ApiToken, CounterStaff, Official, Public, Reception, SecondFactorPending, SignedIn, SystemAdmin};
    &[
        route("GET", "/", Public),
        route("GET", "/healthz", Public),
        route("GET", "/readyz", Public),
        route("GET", "/static/{file}", Public),
        route("GET", "/dang-nhap", Public),
        route("POST", "/dang-nhap", Public),
        route("POST", "/dang-xuat", Public),
        route("GET", "/dang-nhap/xac-thuc", SecondFactorPending),
        route("POST", "/dang-nhap/xac-thuc", SecondFactorPending),
        route("GET", "/dang-nhap/thiet-lap-xac-thuc", SecondFactorPending),
        route("POST", "/dang-nhap/thiet-lap-xac-thuc", SecondFactorPending),
        route("GET", "/dang-nhap/qua-tin-nhan", Public),
        route("POST", "/dang-nhap/qua-tin-nhan", Public),
        route("POST", "/dang-nhap/qua-tin-nhan/xac-nhan", Public),
        route("GET", "/dang-ky", Public),
        route("POST", "/dang-ky", Public),
        route("POST", "/dang-ky/xac-nhan-so-dien-thoai", Public),
        route("GET", "/xac-nhan-email", Public),
        route("POST", "/xac-nhan-email", Public),
        route("GET", "/dang-nhap/dinh-danh-dien-tu", Public),
        route("GET", "/dang-nhap/dinh-danh-dien-tu/ket-qua", Public),
        route("GET", "/quen-mat-khau", Public),
        route("POST", "/quen-mat-khau", Public),
        route("GET", "/dat-lai-mat-khau", Public),
        route("POST", "/dat-lai-mat-khau", Public),
        route("GET", "/kich-hoat", Public),
        route("POST", "/kich-hoat", Public),
        route("GET", "/tai-khoan", SignedIn),
        route("POST", "/tai-khoan/dang-xuat-moi-noi", SignedIn),
        route("GET", "/tai-khoan/ho-so", SignedIn),
        route("POST", "/tai-khoan/ho-so", SignedIn),
        route("POST", "/tai-khoan/yeu-cau-xoa", SignedIn),
        route("GET", "/tai-khoan/giay-to", SignedIn),
        route("POST", "/tai-khoan/giay-to/{id}/xoa", SignedIn),
        route("GET", "/tai-khoan/khoa-api", SignedIn),
        route("POST", "/tai-khoan/khoa-api", SignedIn),
        route("POST", "/tai-khoan/khoa-api/{id}/thu-hoi", SignedIn),
        route("GET", "/quan-tri/nhat-ky-bao-mat", SystemAdmin),
        route("GET", "/quan-tri/su-kien-loi", SystemAdmin),
        route("POST", "/quan-tri/su-kien-loi/thu-lai", SystemAdmin),
        route("GET", "/quan-tri/thu-tuc", AgencyAdmin),
        route("GET", "/quan-tri/thu-tuc/moi", AgencyAdmin),
        route("POST", "/quan-tri/thu-tuc/moi", AgencyAdmin),
        route("GET", "/quan-tri/thu-tuc/{code}/sua", AgencyAdmin),
        route("POST", "/quan-tri/thu-tuc/{code}/sua", AgencyAdmin),
        route("GET", "/quan-tri/can-bo", AgencyAdmin),
        route("POST", "/quan-tri/can-bo", AgencyAdmin),
        route("POST", "/quan-tri/can-bo/thu-hoi", AgencyAdmin),
        route("GET", "/quan-tri/nop-ho-tro", CounterStaff),
        route("POST", "/quan-tri/nop-ho-tro", CounterStaff),
        route("GET", "/quan-tri/mo-tai-khoan", CounterStaff),
        route("POST", "/quan-tri/mo-tai-khoan", CounterStaff),
        route("GET", "/quan-tri/hop-thu-thu-nghiem", SystemAdmin),
        route("GET", "/quan-tri/tu-dong-nghia", SystemAdmin),
        route("POST", "/quan-tri/tu-dong-nghia", SystemAdmin),
        route("GET", "/thu-tuc", Public),
        route("GET", "/thu-tuc/{code}", Public),
        route("GET", "/thu-tuc/{code}/nop-truc-tuyen", SignedIn),
        route("POST", "/thu-tuc/{code}/nop-truc-tuyen", SignedIn),
        route("GET", "/ho-so-nhap/{id}", SignedIn),
        route("GET", "/ho-so-nhap/{id}/buoc/{step}", SignedIn),
        route("POST", "/ho-so-nhap/{id}/buoc/{step}", SignedIn),
        route("GET", "/ho-so-nhap/{id}/giay-to", SignedIn),
        route("POST", "/ho-so-nhap/{id}/giay-to", SignedIn),
        route("POST", "/ho-so-nhap/{id}/giay-to/dung-lai", SignedIn),
        route("POST", "/ho-so-nhap/{id}/giay-to/bo", SignedIn),
        route("GET", "/ho-so-nhap/{id}/kiem-tra", SignedIn),
        route("POST", "/ho-so-nhap/{id}/nop", SignedIn),
        route("GET", "/ho-so", SignedIn),
        route("GET", "/ho-so/{code}", SignedIn),
        route("GET", "/ho-so/{code}/da-nop", SignedIn),
        route("GET", "/ho-so/{code}/bien-nhan.pdf", SignedIn),
        route("POST", "/ho-so/{code}/rut", SignedIn),
        route("POST", "/ho-so/{code}/dung", SignedIn),
        route("GET", "/ho-so/{code}/bo-sung", SignedIn),
        route("POST", "/ho-so/{code}/bo-sung", SignedIn),
        route("POST", "/ho-so/{code}/bo-sung/tep", SignedIn),
        route("POST", "/ho-so/{code}/danh-gia", SignedIn),
        route("GET", "/ho-so/{code}/to-khai.pdf", SignedIn),
        route("GET", "/ho-so/{code}/to-khai.docx", SignedIn),
        route("GET", "/ho-so/{code}/mau/{file}", SignedIn),
        route("GET", "/ho-so/{code}/ket-qua/{id}", SignedIn),
        route("GET", "/can-bo/ho-so", Official),
        route("GET", "/can-bo/ho-so/{code}", Official),
        route("POST", "/can-bo/ho-so/{code}/thao-tac", Official),
        route("POST", "/can-bo/ho-so/{code}/ghi-chu", Official),
        route("POST", "/can-bo/ho-so/{code}/ket-qua", Official),
        route("GET", "/can-bo/ho-so/{code}/ket-qua/{id}", Official),
        route("GET", "/can-bo/ho-so/{code}/tep/{id}", Official),
        route("GET", "/can-bo/ho-so/{code}/mau/{file}", Official),
        route("GET", "/can-bo/so-theo-doi", Official),
        route("GET", "/can-bo/so-theo-doi.xlsx", Official),
        route("GET", "/can-bo/tiep-nhan-truc-tiep", Reception),
        route("POST", "/can-bo/tiep-nhan-truc-tiep", Reception),
        route("GET", "/quan-tri/quy-trinh", AgencyAdmin),
        route("GET", "/quan-tri/quy-trinh/{agency}/{code}", AgencyAdmin),
        route("POST", "/quan-tri/quy-trinh/{agency}/{code}", AgencyAdmin),
        route("GET", "/tra-cuu", Public),
        route("POST", "/tra-cuu", Public),
        route("GET", "/api/v1/openapi.json", Public),
        route("GET", "/api/v1/procedures", Public),
        route("GET", "/api/v1/procedures/suggest", Public),
        route("GET", "/api/v1/procedures/export", Public),
        route("GET", "/api/v1/procedures/{code}", Public),
        route("GET", "/api/v1/calendar/holidays", Public),
        route("GET", "/api/v1/calendar/lunar", Public),
        route("GET", "/api/v1/calendar/due", Public),
        route("GET", "/api/v1/me", ApiToken("account:read")),
        route("GET", "/api/v1/places/{province}/communes", Public),
        route("POST", "/api/v1/drafts", ApiToken("dossiers:write")),
        route("GET", "/api/v1/drafts/{id}", ApiToken("dossiers:read")),
        route("PUT", "/api/v1/drafts/{id}/steps/{step}", ApiToken("dossiers:write")),
        route("POST", "/api/v1/drafts/{id}/documents", ApiToken("dossiers:write")),
        route("POST", "/api/v1/drafts/{id}/submit", ApiToken("dossiers:write")),
        route("GET", "/api/v1/dossiers", ApiToken("dossiers:read")),
        route("GET", "/api/v1/dossiers/{code}", ApiToken("dossiers:read")),
        route("GET", "/api/v1/desk/dossiers", ApiToken("desk:read")),
        route("GET", "/api/v1/desk/dossiers/{code}", ApiToken("desk:read")),
        route("POST", "/api/v1/desk/dossiers/{code}/actions", ApiToken("desk:write")),
        route("POST", "/api/v1/desk/dossiers/{code}/notes", ApiToken("desk:write")),
        route("POST", "/api/v1/desk/dossiers/{code}/results", ApiToken("desk:write")),
        route("GET", "/api/v1/desk/dossiers/{code}/forms/{file}", ApiToken("desk:read")),
    ]
};

/// The routes served by [`app`], for documentation and authorization tests.
pub fn route_table() -> &'static [RouteInfo] {
    ROUTES
}

/// Routes added to the application by its embedder (tests use them for slow or failing
/// handlers), each with its policy like every other route.
#[derive(Default)]
pub struct ExtraRoutes {
    pub routes: Router<AppState>,
    pub policies: Vec<RouteInfo>,
}

impl ExtraRoutes {
    /// `GET` routes anyone may call.
    pub fn public_get(routes: Router<AppState>, paths: &[&'static str]) -> Self {
        let policies = paths
            .iter()
            .map(|&path| RouteInfo {
                method: "GET",
                path,
                access: Access::Public,
            })
            .collect();
        Self { routes, policies }
    }
}

/// The policies of the extra routes, for the enforcement middleware.
#[derive(Clone, Default)]
pub struct ExtraPolicies(pub std::sync::Arc<Vec<RouteInfo>>);

/// The application: routes plus the middleware stack (request ids, logs, metrics,
/// security headers, compression, limits and timeouts, error pages, sessions, CSRF,
/// access policy).
pub fn app(state: AppState) -> Router {
    app_with(state, ExtraRoutes::default())
}

/// The application with extra routes, which run through the same middleware.
pub fn app_with(state: AppState, extra: ExtraRoutes) -> Router {
    crate::metrics::recorder();
    let config = state.config().clone();
    let routes = Router::new()
        .route("/", get(pages::home::show))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/static/{file}", get(assets::serve))
        .route(
            "/dang-nhap",
            get(pages::account::form).post(pages::account::submit),
        )
        .route("/dang-xuat", post(pages::account::sign_out))
        .route(
            "/dang-nhap/xac-thuc",
            get(pages::second_factor::form).post(pages::second_factor::verify),
        )
        .route(
            "/dang-nhap/thiet-lap-xac-thuc",
            get(pages::second_factor::enrol).post(pages::second_factor::confirm),
        )
        .route(
            "/dang-nhap/qua-tin-nhan",
            get(pages::ways_in::phone::form).post(pages::ways_in::phone::send),
        )
        .route(
            "/dang-nhap/qua-tin-nhan/xac-nhan",
            post(pages::ways_in::phone::verify),
        )
        .route(
            "/dang-ky",
            get(pages::ways_in::email::form).post(pages::ways_in::email::submit),
        )
        .route(
            "/dang-ky/xac-nhan-so-dien-thoai",
            post(pages::ways_in::email::verify_phone),
        )
        .route(
            "/xac-nhan-email",
            get(pages::ways_in::email::confirm_form).post(pages::ways_in::email::confirm),
        )
        .route(
            "/dang-nhap/dinh-danh-dien-tu",
            get(pages::ways_in::eid::start),
        )
        .route(
            "/dang-nhap/dinh-danh-dien-tu/ket-qua",
            get(pages::ways_in::eid::finish),
        )
        .route(
            "/quen-mat-khau",
            get(pages::ways_in::reset::form).post(pages::ways_in::reset::send),
        )
        .route(
            "/dat-lai-mat-khau",
            get(pages::ways_in::reset::link_form).post(pages::ways_in::reset::reset),
        )
        .route(
            "/kich-hoat",
            get(pages::ways_in::assisted::activate_form).post(pages::ways_in::assisted::activate),
        )
        .route(
            "/quan-tri/nop-ho-tro",
            get(pages::submission::assisted::form).post(pages::submission::assisted::start),
        )
        .route(
            "/quan-tri/mo-tai-khoan",
            get(pages::ways_in::assisted::form).post(pages::ways_in::assisted::open),
        )
        .route(
            "/quan-tri/hop-thu-thu-nghiem",
            get(pages::ways_in::sandbox::show),
        )
        .route("/tai-khoan", get(pages::account::overview))
        .route(
            "/tai-khoan/dang-xuat-moi-noi",
            post(pages::account::sign_out_everywhere),
        )
        .route(
            "/tai-khoan/ho-so",
            get(pages::profile::show).post(pages::profile::save),
        )
        .route("/tai-khoan/yeu-cau-xoa", post(pages::profile::deletion))
        .route("/tai-khoan/giay-to", get(pages::document_store::list))
        .route(
            "/tai-khoan/giay-to/{id}/xoa",
            post(pages::document_store::forget),
        )
        .route(
            "/tai-khoan/khoa-api",
            get(pages::api_tokens::list).post(pages::api_tokens::create),
        )
        .route(
            "/tai-khoan/khoa-api/{id}/thu-hoi",
            post(pages::api_tokens::revoke),
        )
        .route(
            "/quan-tri/can-bo",
            get(pages::officials::list).post(pages::officials::grant),
        )
        .route("/quan-tri/can-bo/thu-hoi", post(pages::officials::revoke))
        .route("/quan-tri/nhat-ky-bao-mat", get(pages::security_log::show))
        .route("/quan-tri/su-kien-loi", get(pages::dead_letters::show))
        .route(
            "/quan-tri/su-kien-loi/thu-lai",
            post(pages::dead_letters::retry),
        )
        .route("/quan-tri/thu-tuc", get(pages::procedure_editor::list))
        .route(
            "/quan-tri/thu-tuc/moi",
            get(pages::procedure_editor::new_form).post(pages::procedure_editor::create),
        )
        .route(
            "/quan-tri/thu-tuc/{code}/sua",
            get(pages::procedure_editor::edit_form).post(pages::procedure_editor::update),
        )
        .route(
            "/quan-tri/tu-dong-nghia",
            get(pages::synonyms::form).post(pages::synonyms::save),
        )
        .route("/thu-tuc", get(pages::catalog::search))
        .route("/thu-tuc/{code}", get(pages::catalog::procedure))
        .route(
            "/thu-tuc/{code}/nop-truc-tuyen",
            get(pages::submission::start::form).post(pages::submission::start::create),
        )
        .route("/ho-so-nhap/{id}", get(pages::submission::steps::resume))
        .route(
            "/ho-so-nhap/{id}/buoc/{step}",
            get(pages::submission::steps::show).post(pages::submission::steps::save),
        )
        .route(
            "/ho-so-nhap/{id}/giay-to",
            get(pages::submission::documents::show).post(pages::submission::documents::upload),
        )
        .route(
            "/ho-so-nhap/{id}/giay-to/dung-lai",
            post(pages::submission::documents::reuse),
        )
        .route(
            "/ho-so-nhap/{id}/giay-to/bo",
            post(pages::submission::documents::detach),
        )
        .route(
            "/ho-so-nhap/{id}/kiem-tra",
            get(pages::submission::review::show),
        )
        .route(
            "/ho-so-nhap/{id}/nop",
            post(pages::submission::review::submit),
        )
        .route("/ho-so", get(pages::dossiers::list))
        .route("/ho-so/{code}", get(pages::dossiers::show))
        .route(
            "/ho-so/{code}/da-nop",
            get(pages::submission::review::confirmation),
        )
        .route(
            "/ho-so/{code}/bien-nhan.pdf",
            get(pages::exports::receipt_pdf),
        )
        .route("/ho-so/{code}/rut", post(pages::dossier_actions::withdraw))
        .route("/ho-so/{code}/dung", post(pages::dossier_actions::stop))
        .route(
            "/ho-so/{code}/bo-sung",
            get(pages::dossier_actions::supplement_form).post(pages::dossier_actions::supplement),
        )
        .route(
            "/ho-so/{code}/bo-sung/tep",
            post(pages::dossier_actions::supplement_upload),
        )
        .route("/ho-so/{code}/danh-gia", post(pages::dossier_actions::rate))
        .route("/ho-so/{code}/to-khai.pdf", get(pages::exports::form_pdf))
        .route("/ho-so/{code}/to-khai.docx", get(pages::exports::form_docx))
        .route(
            "/ho-so/{code}/mau/{file}",
            get(pages::desk::files::applicant_form),
        )
        .route(
            "/ho-so/{code}/ket-qua/{id}",
            get(pages::desk::files::applicant_result),
        )
        .route("/can-bo/ho-so", get(pages::desk::queue::show))
        .route("/can-bo/ho-so/{code}", get(pages::desk::dossier::show))
        .route(
            "/can-bo/ho-so/{code}/thao-tac",
            post(pages::desk::actions::perform),
        )
        .route(
            "/can-bo/ho-so/{code}/ghi-chu",
            post(pages::desk::actions::note),
        )
        .route(
            "/can-bo/ho-so/{code}/ket-qua",
            post(pages::desk::files::add_result),
        )
        .route(
            "/can-bo/ho-so/{code}/ket-qua/{id}",
            get(pages::desk::files::official_result),
        )
        .route(
            "/can-bo/ho-so/{code}/tep/{id}",
            get(pages::desk::files::attachment),
        )
        .route(
            "/can-bo/ho-so/{code}/mau/{file}",
            get(pages::desk::files::official_form),
        )
        .route(
            "/can-bo/so-theo-doi",
            get(pages::desk::files::register_page),
        )
        .route(
            "/can-bo/so-theo-doi.xlsx",
            get(pages::desk::files::register_xlsx),
        )
        .route(
            "/can-bo/tiep-nhan-truc-tiep",
            get(pages::desk::counter::form).post(pages::desk::counter::start),
        )
        .route("/quan-tri/quy-trinh", get(pages::desk::workflows::list))
        .route(
            "/quan-tri/quy-trinh/{agency}/{code}",
            get(pages::desk::workflows::edit).post(pages::desk::workflows::save),
        )
        .route(
            "/tra-cuu",
            get(pages::tracking::form).post(pages::tracking::lookup),
        )
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/procedures", get(api::procedures::list))
        .route("/api/v1/procedures/suggest", get(api::procedures::suggest))
        .route("/api/v1/procedures/export", get(api::procedures::export))
        .route("/api/v1/procedures/{code}", get(api::procedures::detail))
        .route("/api/v1/calendar/holidays", get(api::calendar::holidays))
        .route("/api/v1/calendar/lunar", get(api::calendar::lunar))
        .route("/api/v1/calendar/due", get(api::calendar::due))
        .route("/api/v1/me", get(api::me::me))
        .route(
            "/api/v1/places/{province}/communes",
            get(api::places::communes),
        )
        .route("/api/v1/drafts", post(api::dossiers::create_draft))
        .route("/api/v1/drafts/{id}", get(api::dossiers::get_draft))
        .route(
            "/api/v1/drafts/{id}/steps/{step}",
            axum::routing::put(api::dossiers::save_step),
        )
        .route("/api/v1/drafts/{id}/documents", post(api::dossiers::attach))
        .route("/api/v1/drafts/{id}/submit", post(api::dossiers::submit))
        .route("/api/v1/dossiers", get(api::dossiers::list))
        .route("/api/v1/dossiers/{code}", get(api::dossiers::detail))
        .route("/api/v1/desk/dossiers", get(api::desk::queue))
        .route("/api/v1/desk/dossiers/{code}", get(api::desk::detail))
        .route(
            "/api/v1/desk/dossiers/{code}/actions",
            post(api::desk::perform),
        )
        .route("/api/v1/desk/dossiers/{code}/notes", post(api::desk::note))
        .route(
            "/api/v1/desk/dossiers/{code}/results",
            post(api::desk::add_result),
        )
        .route(
            "/api/v1/desk/dossiers/{code}/forms/{file}",
            get(api::desk::form),
        )
        .merge(extra.routes)
        .fallback(error::not_found);
    let policies = ExtraPolicies(std::sync::Arc::new(extra.policies));
    layers::apply(routes, &config, state.clone())
        .layer(axum::Extension(policies))
        .with_state(state)
}
