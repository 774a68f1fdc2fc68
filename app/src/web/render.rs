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

/// A `next` parameter reduced to a path on this site (no open redirects). Browsers drop tabs
/// and line breaks from URLs and read `\` as `/`, so `/\t/evil.example` would leave the site:
/// any whitespace, control character or backslash sends the visitor home instead.
pub fn safe_next(next: &str) -> String {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\');
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
        assert_eq!(safe_next("/\t/evil.example"), "/");
        assert_eq!(safe_next("/\t\\evil.example"), "/");
        assert_eq!(safe_next("/\n/evil.example"), "/");
        assert_eq!(safe_next("/ /evil.example"), "/");
        assert_eq!(safe_next("/a\\b"), "/");
        assert_eq!(safe_next("/\u{0085}/evil.example"), "/");
        assert_eq!(safe_next(" /account"), "/");
        assert_eq!(
            safe_next("/meetings?body=executive%20council"),
            "/meetings?body=executive%20council"
        );
    }
}
