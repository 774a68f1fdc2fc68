//! One module per page or page family, named after its URL. A page handler calls a service and
//! renders; forms post back to the same URL and, when refused, show the form again with the
//! errors beside the fields and the values kept.

pub mod access;
pub mod account;
pub mod admin;
pub mod advisory;
pub mod api_guide;
pub mod calls;
pub mod collective_requests;
pub mod collectives;
pub mod complaints;
pub mod consultations;
pub mod councils;
pub mod decisions;
pub mod errors;
pub mod ethics;
pub mod home;
pub mod identity;
pub mod integrity;
pub mod lang;
pub mod login;
pub mod meetings;
pub mod minutes;
pub mod nodes;
pub mod nominations;
pub mod oidc;
pub mod open_data;
pub mod projects;
pub mod register;
pub mod reporting;
pub mod reports;
pub mod search;
pub mod second_factor;
pub mod sessions;
pub mod stats;
pub mod verify;
pub mod votes;

use crate::components::FormErrors;
use crate::i18n::Tr;
use crate::web::html_layer;
use crate::{AppError, AppState};
use axum::Router;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post};

/// Every HTML route, behind the layer that builds the request context.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::get))
        .route("/login", get(login::get).post(login::post))
        .route("/logout", post(login::logout))
        .route("/register", get(register::get).post(register::post))
        .route("/register/sent", get(register::sent))
        .route(
            "/account/verify",
            get(identity::verify_page).post(identity::verify),
        )
        .route("/account/verify/resend", post(identity::resend))
        .route("/account/sessions", get(sessions::list))
        .route(
            "/account/second-factor",
            get(second_factor::show).post(second_factor::confirm),
        )
        .route("/account/second-factor/qr.svg", get(second_factor::qr))
        .route(
            "/login/second-factor",
            get(second_factor::code_page).post(second_factor::code),
        )
        .route(
            "/admin/accounts/{id}/second-factor/reset",
            post(admin::accounts::reset_second_factor),
        )
        .route("/account/sessions/{id}/end", post(sessions::end_one))
        .route("/account/sessions/end-others", post(sessions::end_others))
        .route(
            "/login/forgot",
            get(identity::forgot_page).post(identity::forgot),
        )
        .route("/login/forgot/sent", get(identity::forgot_sent))
        .route("/login/oidc/callback", get(oidc::callback))
        .route("/login/oidc/link", get(oidc::link_page).post(oidc::link))
        .route("/login/oidc/{n}", get(oidc::start))
        .route(
            "/login/reset",
            get(identity::reset_page).post(identity::reset),
        )
        .route("/account", get(account::get))
        .route("/account/password", post(account::change_password))
        .route("/account/language", post(account::change_language))
        .route("/lang/{code}", get(lang::switch))
        .route("/admin/accounts", get(admin::accounts::list))
        .route("/admin/accounts/{id}", get(admin::accounts::show))
        .route("/admin/accounts/{id}/offices", post(admin::accounts::grant))
        .route(
            "/admin/accounts/{id}/disable",
            post(admin::accounts::disable),
        )
        .route("/admin/accounts/{id}/enable", post(admin::accounts::enable))
        .route("/admin/offices/{id}/revoke", post(admin::accounts::revoke))
        .route(
            "/admin/accounts/{id}/person",
            post(admin::accounts::set_person),
        )
        .route(
            "/admin/accounts/{id}/memberships",
            post(admin::accounts::add_membership),
        )
        .route(
            "/admin/institutions",
            get(admin::institutions::list).post(admin::institutions::create),
        )
        .route(
            "/admin/memberships",
            post(admin::institutions::add_membership),
        )
        .route(
            "/admin/memberships/{id}/end",
            post(admin::institutions::end_membership),
        )
        .route("/admin/audit", get(admin::audit::list))
        .route(
            "/admin/nodes/import",
            get(admin::nodes::get).post(admin::nodes::post).layer(
                axum::extract::DefaultBodyLimit::max(admin::nodes::MAX_CSV_BYTES + 64 * 1024),
            ),
        )
        .route("/admin/anchors", get(admin::anchors::list))
        .route("/admin/mail", get(admin::mail::list))
        .route(
            "/admin/api-keys",
            get(admin::api_keys::list).post(admin::api_keys::create),
        )
        .route("/admin/api-keys/{id}/revoke", post(admin::api_keys::revoke))
        .route(
            "/admin/api-keys/visibility",
            post(admin::api_keys::set_visibility),
        )
        .route("/collectives", get(collectives::list))
        .route(
            "/collectives/request",
            get(collective_requests::new).post(collective_requests::create),
        )
        .route("/collectives/requests", get(collective_requests::list))
        .route(
            "/collectives/requests/{id}/decision",
            post(collective_requests::decide),
        )
        .route("/collectives/{slug}", get(collectives::show))
        .route(
            "/collectives/{slug}/renewals",
            post(collectives::open_renewal),
        )
        .route("/councils", get(councils::show))
        .route("/calls", get(calls::list).post(calls::create))
        .route("/calls/new", get(calls::new))
        .route("/calls/{id}", get(calls::show))
        .route("/calls/{id}/candidacies", post(calls::apply))
        .route(
            "/calls/{id}/candidacies/{candidacy}/withdraw",
            post(calls::withdraw),
        )
        .route("/calls/{id}/election", post(calls::elect))
        .route("/meetings", get(meetings::list).post(meetings::create))
        .route("/meetings.atom", get(meetings::atom))
        .route("/meetings/new", get(meetings::new))
        .route("/meetings/dashboard", get(meetings::dashboard))
        .route("/meetings/{id}", get(meetings::show))
        .route(
            "/meetings/{id}/edit",
            get(meetings::edit).post(meetings::update),
        )
        .route("/meetings/{id}/agenda", post(meetings::add_item))
        .route(
            "/meetings/{id}/agenda/{item}/move",
            post(meetings::move_item),
        )
        .route(
            "/meetings/{id}/agenda/{item}/remove",
            post(meetings::remove_item),
        )
        .route("/meetings/{id}/close", post(meetings::close_session))
        .route("/meetings/{id}/convene", post(meetings::convene))
        .route("/meetings/{id}/revision", post(meetings::revise))
        .route("/meetings/{id}/cancel", post(meetings::cancel))
        .route("/meetings/{id}/answer", post(meetings::answer))
        .route("/meetings/{id}/attendance", post(meetings::record_presence))
        .route("/meetings/{id}/open", post(meetings::open_session))
        .route(
            "/meetings/{id}/agenda/{item}/vote",
            post(meetings::open_vote),
        )
        .route("/meetings/{id}/votes/{vote}", post(meetings::record_votes))
        .route("/meetings/{id}/invite.ics", get(meetings::invite_ics))
        .route(
            "/meetings/{id}/agenda/{item}/attachments",
            post(meetings::attach).layer(axum::extract::DefaultBodyLimit::max(
                crate::services::meetings::MAX_ATTACHMENT_BYTES + 128 * 1024,
            )),
        )
        .route(
            "/meetings/{id}/attachments/{attachment}",
            get(meetings::attachment),
        )
        .route(
            "/meetings/{id}/agenda/minutes",
            post(minutes::add_approval_item),
        )
        .route(
            "/meetings/{id}/minutes",
            get(minutes::show).post(minutes::save),
        )
        .route("/meetings/{id}/minutes/circulate", post(minutes::circulate))
        .route("/meetings/{id}/minutes/comments", post(minutes::comment))
        .route("/meetings/{id}/minutes/approve", post(minutes::approve))
        .route(
            "/meetings/{id}/minutes/agreements",
            post(minutes::add_agreement),
        )
        .route(
            "/meetings/{id}/minutes/agreements/{agreement}/remove",
            post(minutes::remove_agreement),
        )
        .route("/meetings/{id}/minutes.pdf", get(minutes::pdf))
        .route("/agreements/{id}", get(minutes::agreement))
        .route("/agreements/{id}/close", post(minutes::close_agreement))
        .route("/meetings/calendar/{file}", get(meetings::feed))
        .route("/votes", get(votes::list))
        .route("/votes/{id}", get(votes::show))
        .route("/votes/{id}/ballot", post(votes::cast))
        .route("/votes/{id}/close", post(votes::close))
        .route(
            "/account/delegations",
            get(votes::delegations).post(votes::delegate),
        )
        .route(
            "/account/delegations/{id}/revoke",
            post(votes::revoke_delegation),
        )
        .route("/decisions", get(decisions::list))
        .route("/decisions.atom", get(decisions::atom))
        .route("/reports", get(reports::list))
        .route("/integrity", get(integrity::show))
        .route("/api", get(api_guide::show))
        .route("/stats", get(stats::show))
        .route("/search", get(search::show))
        .route("/data", get(open_data::index))
        .route("/data/catalog.jsonld", get(open_data::catalog_jsonld))
        .route("/data/{file}", get(open_data::file))
        .route("/data/dumps/{id}/{name}", get(open_data::dump_file))
        .route("/v", get(verify::search))
        .route("/v/lookup", get(verify::lookup))
        .route("/v/{id}", get(verify::show))
        .route(
            "/v/{id}/check",
            post(verify::check_copy).layer(axum::extract::DefaultBodyLimit::max(
                state.settings.evidence_limits.max_document_bytes + 64 * 1024,
            )),
        )
        .route("/v/{id}/qr.svg", get(verify::qr_svg))
        .route("/v/{id}/qr.png", get(verify::qr_png))
        .merge(advisory::routes())
        .merge(nodes::routes())
        .merge(projects::routes())
        .merge(reporting::routes())
        .merge(ethics::routes())
        .merge(complaints::routes())
        .merge(consultations::routes())
        .merge(nominations::routes())
        .fallback(|| async { AppError::NotFound })
        // the door of every form (inside the layer that builds the request context)
        .layer(axum::middleware::from_fn(access::check))
        .layer(from_fn_with_state(state, html_layer))
}

/// A refused submission shown again as its form: the status, the errors by field, and for
/// throttling the wait (sent as `Retry-After`).
pub(crate) struct Refused {
    pub status: StatusCode,
    pub errors: FormErrors,
    retry_after_secs: Option<u64>,
}

impl Refused {
    /// Adds what the status needs besides the page (`Retry-After` for 429).
    pub fn finish(&self, mut response: Response) -> Response {
        if let Some(secs) = self.retry_after_secs
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(RETRY_AFTER, v);
        }
        response
    }
}

/// Whether a refused submission is shown again as a form, or is an error page.
pub(crate) fn refused_form(err: AppError, t: &'static Tr) -> Result<Refused, AppError> {
    match err {
        AppError::Invalid(invalid) => Ok(Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors: FormErrors::from_invalid(&invalid, t),
            retry_after_secs: None,
        }),
        AppError::RateLimited { retry_after_secs } => Ok(Refused {
            status: StatusCode::TOO_MANY_REQUESTS,
            errors: FormErrors::general(crate::i18n::fill(
                t.error_rate_limited_text,
                &[("minutes", &retry_after_secs.div_ceil(60).max(1))],
            )),
            retry_after_secs: Some(retry_after_secs),
        }),
        other => Err(other),
    }
}

/// A PDF someone uploaded (a letter, a CV, a signed commitment), served as a download: an
/// attachment, inert, never shown inside the portal.
pub(crate) fn pdf_download(bytes: Vec<u8>, filename: &str) -> Response {
    let name = crate::services::advisory::attachment_filename(filename);
    let mut response = crate::web::inert(bytes, "application/pdf", &name, "private, no-store");
    if let Ok(v) = axum::http::HeaderValue::from_str(&crate::web::disposition(false, &name)) {
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    response
}

/// A PDF kept by its SHA-256 (`None` or a file gone: not found), as [`pdf_download`].
pub(crate) async fn stored_pdf(
    state: &AppState,
    sha256: Option<&str>,
    filename: &str,
) -> Result<Response, AppError> {
    let hash = sha256
        .and_then(crate::domain::evidence::Hash::from_hex)
        .ok_or(AppError::NotFound)?;
    let bytes = crate::services::evidence::documents::read(&state.settings.documents_dir(), &hash)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(pdf_download(bytes, filename))
}
