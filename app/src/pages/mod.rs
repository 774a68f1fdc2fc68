//! One module per page or page family, named after its URL. A page handler calls a service and
//! renders; forms post back to the same URL and, when refused, show the form again with the
//! errors beside the fields and the values kept.

pub mod account;
pub mod admin;
pub mod errors;
pub mod home;
pub mod lang;
pub mod login;
pub mod register;

use crate::components::FormErrors;
use crate::i18n::Tr;
use crate::web::html_layer;
use crate::{AppError, AppState};
use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

/// Every HTML route, behind the layer that builds the request context.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::get))
        .route("/login", get(login::get).post(login::post))
        .route("/logout", post(login::logout))
        .route("/register", get(register::get).post(register::post))
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
        .route("/admin/audit", get(admin::audit::list))
        .fallback(|| async { AppError::NotFound })
        .layer(from_fn_with_state(state, html_layer))
}

/// Whether a refused submission is shown again as a form (with this status and these errors)
/// or is an error page.
pub(crate) fn refused_form(
    err: AppError,
    t: &'static Tr,
) -> Result<(StatusCode, FormErrors), AppError> {
    match err {
        AppError::Invalid(invalid) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            FormErrors::from_invalid(&invalid, t),
        )),
        AppError::RateLimited { retry_after_secs } => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            FormErrors(vec![(
                "",
                crate::i18n::fill(
                    t.error_rate_limited_text,
                    &[("minutes", &retry_after_secs.div_ceil(60).max(1))],
                ),
            )]),
        )),
        other => Err(other),
    }
}
