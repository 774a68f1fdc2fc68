//! The request context every page receives: language, user, CSRF token, where the request came
//! from. Built once per request by [`super::html_layer`].

use super::csrf;
use crate::AppError;
use crate::domain::roles::Role;
use crate::i18n::{Lang, Tr};
use crate::services::audit::Actor;
use crate::services::sessions::CurrentUser;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

#[derive(Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    /// The value forms put in their hidden `_csrf` field.
    pub csrf_token: String,
    pub(super) csrf_cookie: String,
    pub(super) csrf_key: [u8; 32],
    /// Path and query of this request (for "back to where you were" links).
    pub path: String,
    pub ip: String,
    pub request_id: String,
    /// The log's verifier key, shown in the footer once the evidence log exists.
    pub verifier_key: Option<String>,
}

impl Ctx {
    pub fn t(&self) -> &'static Tr {
        self.lang.tr()
    }

    pub fn actor(&self) -> Actor {
        match &self.user {
            Some(u) => u.actor(&self.ip, &self.request_id),
            None => Actor {
                account_id: None,
                label: "anonymous".into(),
                ip: self.ip.clone(),
                request_id: self.request_id.clone(),
            },
        }
    }

    /// The logged-in user, or the login page.
    pub fn require_user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// Proof that someone is signed in, for the services that any account may use.
    pub fn signed(&self) -> Result<crate::services::authority::Signed, AppError> {
        crate::services::authority::Signed::check(self.user.as_ref())
    }

    /// The logged-in user if they hold one of `roles` today.
    pub fn require_role(&self, roles: &[Role]) -> Result<&CurrentUser, AppError> {
        let user = self.require_user()?;
        crate::services::require_any(user, roles)?;
        Ok(user)
    }

    pub fn is(&self, role: Role) -> bool {
        self.user.as_ref().is_some_and(|u| u.has(role))
    }

    pub(super) fn csrf_ok(&self, token: &str) -> bool {
        csrf::verify(&self.csrf_key, &self.csrf_cookie, token)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::internal("page route outside the HTML layer"))
    }
}
