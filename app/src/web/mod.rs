//! What turns an HTTP request into a page: the request context (language, user, CSRF token),
//! the CSRF-checked form extractor, the middleware that renders errors as pages, and headers.

mod cookies;
mod csrf;
mod ctx;
mod files;
mod layer;
mod render;
mod security;

pub use crate::services::sessions::CurrentUser;
pub use cookies::{Cookies, LANG_COOKIE, SESSION_COOKIE, add_cookies, set_cookie};
pub use csrf::{
    CSRF_FIELD, CsrfForm, CsrfPairs, NoFields, Part, Upload, check_text, fresh_cookie,
    read_form_with_file, read_multipart, read_uploads,
};
pub use ctx::Ctx;
pub use files::{disposition, inert, served_as};
pub use layer::{client_ip, html_layer, rejection_as_error, urlencode};
pub use render::{page, redirect, safe_next};
pub use security::security_headers;
