//! Turning a rendered view into a response, and redirects.

use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::tachys::view::RenderHtml;

/// A full HTML page with the given status.
pub fn page(status: StatusCode, view: impl RenderHtml) -> Response {
    let mut html = String::from("<!DOCTYPE html>\n");
    html.push_str(&view.to_html());
    (status, [(CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// 303 See Other: after a successful POST, the browser GETs the next page.
pub fn redirect(to: &str) -> Response {
    let location = HeaderValue::from_str(to).unwrap_or_else(|_| HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response()
}

/// A `next` parameter reduced to a path on this site (no open redirects).
pub fn safe_next(next: &str) -> String {
    let next = next.trim();
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains(['\r', '\n']);
    if local {
        next.to_string()
    } else {
        "/".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_site() {
        assert_eq!(safe_next("/account?x=1"), "/account?x=1");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next(""), "/");
        assert_eq!(safe_next("/a\r\nSet-Cookie: x"), "/");
    }
}
