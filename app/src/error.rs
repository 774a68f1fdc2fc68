//! One error type for the whole application. It maps to an HTTP status and an RFC 9457 problem
//! in one place; HTML routes turn the same error into a bilingual page (see `web::layer`).

use crate::i18n::{Lang, Tr};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::fmt::Debug;

/// A reason a person can read, in either language, with a stable code for machines.
pub trait Reason: Debug + Send + Sync + 'static {
    fn code(&self) -> &'static str;
    fn message(&self, t: &'static Tr) -> String;
    /// A JSON pointer to the offending member of a request body, when there is one.
    fn pointer(&self) -> Option<String> {
        None
    }
    /// Where the visitor can do what the refusal asks first, as (address, link text): shown as a
    /// link beside the message.
    fn link(&self, _t: &'static Tr) -> Option<(&'static str, &'static str)> {
        None
    }
}

/// One problem with one field of a form or a request body (`field` is "" for the whole form).
#[derive(Debug)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: Box<dyn Reason>,
}

/// The problems found in one submission.
#[derive(Debug, Default)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn one(field: &'static str, reason: impl Reason) -> Self {
        let mut v = Self::new();
        v.add(field, reason);
        v
    }

    pub fn add(&mut self, field: &'static str, reason: impl Reason) {
        self.0.push(FieldError {
            field,
            reason: Box::new(reason),
        });
    }

    /// Records the problem of `result`, if any, against `field`.
    pub fn check<R: Reason>(&mut self, field: &'static str, result: Result<(), R>) {
        if let Err(reason) = result {
            self.add(field, reason);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first problem with `field`, in the given language.
    pub fn message_for(&self, field: &str, t: &'static Tr) -> Option<String> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.reason.message(t))
    }

    /// `Ok(())` when nothing was found, the problems otherwise.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
}

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> Self {
        AppError::Invalid(invalid)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthenticated,
    #[error("not allowed for your role")]
    Forbidden,
    #[error("the form's security token is missing or expired")]
    Csrf,
    #[error("invalid input")]
    Invalid(Invalid),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("not yet in a signed checkpoint")]
    Pending,
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) | AppError::Pending => StatusCode::CONFLICT,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem type's last path segment.
    pub fn slug(&self) -> &'static str {
        match self {
            AppError::NotFound => "not-found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::Pending => "pending",
            AppError::RateLimited { .. } => "rate-limited",
            AppError::BadRequest(_) => "bad-request",
            AppError::PayloadTooLarge => "too-large",
            AppError::Unavailable(_) => "unavailable",
            AppError::Database(_) | AppError::Internal(_) => "internal",
        }
    }

    /// The title and detail of the problem, in a language; internals are never shown.
    pub fn describe(&self, lang: Lang) -> (String, String) {
        let t = lang.tr();
        let (title, detail) = match self {
            AppError::NotFound => (t.error_not_found_title, t.error_not_found_text.to_string()),
            AppError::Unauthenticated => (
                t.error_unauthenticated_title,
                t.error_unauthenticated_text.to_string(),
            ),
            AppError::Forbidden => (t.error_forbidden_title, t.error_forbidden_text.to_string()),
            AppError::Csrf => (t.error_csrf_title, t.error_csrf_text.to_string()),
            AppError::Invalid(inv) => (
                t.error_invalid_title,
                inv.0
                    .iter()
                    .map(|e| e.reason.message(t))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            AppError::Conflict(detail) => (t.error_conflict_title, detail.clone()),
            AppError::Pending => (t.error_pending_title, t.error_pending_text.to_string()),
            AppError::RateLimited { retry_after_secs } => (
                t.error_rate_limited_title,
                crate::i18n::fill(
                    t.error_rate_limited_text,
                    &[("minutes", &retry_after_secs.div_ceil(60).max(1))],
                ),
            ),
            AppError::BadRequest(detail) => (t.error_bad_request_title, detail.clone()),
            AppError::PayloadTooLarge => {
                (t.error_too_large_title, t.error_too_large_text.to_string())
            }
            AppError::Unavailable(_) | AppError::Database(_) | AppError::Internal(_) => {
                (t.error_internal_title, t.error_internal_text.to_string())
            }
        };
        (title.to_string(), detail)
    }
}

/// What an HTML route needs to render an error page in place of the problem document.
#[derive(Clone, Debug)]
pub struct ErrorForPage {
    pub status: StatusCode,
    pub slug: &'static str,
    pub details: [(String, String); 2],
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let (title, detail) = self.describe(Lang::En);
        let mut body = json!({
            "type": format!("/problems/{}", self.slug()),
            "title": title,
            "status": status.as_u16(),
            "detail": detail,
        });
        if let AppError::Invalid(inv) = &self {
            body["errors"] = inv
                .0
                .iter()
                .map(|e| {
                    let mut item = json!({"field": e.field, "code": e.reason.code(), "detail": e.reason.message(Lang::En.tr())});
                    if let Some(pointer) = e.reason.pointer() {
                        item["pointer"] = pointer.into();
                    }
                    item
                })
                .collect();
        }
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response();
        let retry_after = match &self {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            AppError::Pending => Some(2),
            _ => None,
        };
        if let Some(secs) = retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response.extensions_mut().insert(ErrorForPage {
            status,
            slug: self.slug(),
            details: [self.describe(Lang::Es), self.describe(Lang::En)],
        });
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
