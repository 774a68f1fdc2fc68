//! What turns an HTTP request into a page: the request context (language, user, CSRF token),
//! the CSRF-checked form extractor, the middleware that renders errors as pages, and headers.

mod cookies;
mod csrf;
mod ctx;
mod layer;
mod render;
mod security;

pub use crate::services::sessions::CurrentUser;
pub use cookies::{Cookies, LANG_COOKIE, SESSION_COOKIE, set_cookie};
pub use csrf::{
    CSRF_FIELD, CsrfForm, CsrfPairs, NoFields, Part, Upload, read_multipart, read_uploads,
};
pub use ctx::Ctx;
pub use layer::{html_layer, urlencode};
pub use render::{page, redirect, safe_next};
pub use security::security_headers;
