//! `/lang/{code}?next=…`: the language switch. A link, so it works everywhere without script;
//! it only sets a preference cookie (the account's saved language is changed on the account page).

use crate::i18n::Lang;
use crate::web::{LANG_COOKIE, redirect, safe_next, set_cookie};
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Next {
    #[serde(default)]
    next: String,
}

pub async fn switch(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<Next>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let mut response = redirect(&safe_next(&q.next));
    crate::web::add_cookies(&mut response, &[cookie(&state, lang)])?;
    Ok(response)
}

/// The cookie that keeps the chosen language for a year.
pub(crate) fn cookie(state: &AppState, lang: Lang) -> String {
    set_cookie(
        LANG_COOKIE,
        lang.code(),
        Some(60 * 60 * 24 * 365),
        false,
        state.settings.secure_cookies(),
    )
}
