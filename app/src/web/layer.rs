//! The middleware in front of every HTML route. It builds the request context (session user,
//! language, CSRF cookie and token), refuses cross-site form posts, and turns errors into pages
//! in the visitor's language (or, for "login required", into a redirect to the login page).

use super::cookies::{Cookies, LANG_COOKIE, SESSION_COOKIE, csrf_cookie_name, set_cookie};
use super::csrf;
use super::ctx::Ctx;
use super::render::redirect;
use crate::error::ErrorForPage;
use crate::i18n::Lang;
use crate::services::{secrets, sessions};
use crate::{AppError, AppState};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{CACHE_CONTROL, HOST, ORIGIN, SET_COOKIE, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// The client's address: the connection's peer, or the first `X-Forwarded-For` hop when the
/// portal is configured to trust its reverse proxy.
pub fn client_ip(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(first) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return first.trim().to_string();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
        .unwrap_or_default()
}

/// A state-changing request must come from our own pages: its `Origin` (when the browser sends
/// one) must be the public URL's, or this host's with the public URL's scheme (an `http://` page
/// may not post to an `https://` portal), and `Sec-Fetch-Site` must not name another site.
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return false;
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let public = public_url.trim_end_matches('/');
    let public_scheme = public.split_once("://").map_or("http", |(s, _)| s);
    origin == public
        || origin.split_once("://").is_some_and(|(scheme, authority)| {
            scheme.eq_ignore_ascii_case(public_scheme) && !host.is_empty() && authority == host
        })
}

pub async fn html_layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let cookies = Cookies::parse(req.headers());
    let secure = state.settings.secure_cookies();
    let mut set_cookies: Vec<String> = Vec::new();
    let ip = client_ip(&req, state.settings.trust_proxy);
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let path = req.uri().path_and_query().map_or_else(
        || req.uri().path().to_string(),
        |pq| pq.as_str().to_string(),
    );

    let user = match cookies.get(SESSION_COOKIE) {
        Some(token) => match sessions::lookup(&state, token).await {
            Ok(user) => {
                if user.is_none() {
                    set_cookies.push(set_cookie(SESSION_COOKIE, "", Some(0), true, secure));
                }
                user
            }
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    let csrf_cookie = match cookies
        .get(csrf_cookie_name(secure))
        .filter(|c| c.len() >= 32 && c.len() <= 64)
    {
        Some(c) => c.to_string(),
        None => match secrets::random_token() {
            Ok(token) => {
                set_cookies.push(set_cookie(
                    csrf_cookie_name(secure),
                    &token,
                    None,
                    true,
                    secure,
                ));
                token
            }
            Err(e) => return e.into_response(),
        },
    };
    let lang = cookies
        .get(LANG_COOKIE)
        .and_then(Lang::parse)
        .or(user.as_ref().map(|u| u.locale))
        .unwrap_or_default();
    let ctx = Ctx {
        lang,
        csrf_token: csrf::form_token(&state.csrf_key, &csrf_cookie),
        csrf_cookie,
        csrf_key: state.csrf_key,
        path,
        ip,
        request_id,
        verifier_key: Some(state.log.key.verifier_key().to_string()),
        user,
    };

    let mut response =
        if !req.method().is_safe() && !same_origin(req.headers(), &state.settings.public_url) {
            AppError::Csrf.into_response()
        } else {
            req.extensions_mut().insert(ctx.clone());
            next.run(req).await
        };
    // axum's own refusals of a path or query it could not read are plain English text: they
    // become the bilingual error page like every other refusal
    response = rejection_as_error(response).await;

    if let Some(err) = response.extensions().get::<ErrorForPage>().cloned() {
        let mut page = if err.slug == "unauthenticated" {
            redirect(&format!("/login?next={}", urlencode(&ctx.path)))
        } else {
            crate::pages::errors::error_page(&ctx, &err)
        };
        for header in [axum::http::header::RETRY_AFTER] {
            if let Some(v) = response.headers().get(&header).cloned() {
                page.headers_mut().insert(header, v);
            }
        }
        response = page;
    }
    let headers = response.headers_mut();
    for c in set_cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            headers.append(SET_COOKIE, v);
        }
    }
    // pages depend on the visitor (language, session): never cached by shared caches
    headers
        .entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(if ctx.user.is_some() {
            "no-store"
        } else {
            "private, no-cache"
        }));
    headers.append(VARY, HeaderValue::from_static("Cookie"));
    response
}

/// What an extractor's rejection (a path segment that is not a number, a query that does not
/// parse, a duplicated parameter) means to a visitor, as the portal's own error. Any other
/// response is returned as it is.
pub async fn rejection_as_error(response: Response) -> Response {
    let plain = response.status().is_client_error()
        && response.extensions().get::<ErrorForPage>().is_none()
        && response
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain"));
    if !plain {
        return response;
    }
    let status = response.status();
    let text = axum::body::to_bytes(response.into_body(), 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let err = match status {
        // a path parameter of the wrong form names no page
        StatusCode::BAD_REQUEST if text.starts_with("Invalid URL") => AppError::NotFound,
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        _ => AppError::BadRequest(text),
    };
    let mut converted = err.into_response();
    if converted.status() == StatusCode::BAD_REQUEST
        && let Some(page) = converted.extensions_mut().get_mut::<ErrorForPage>()
    {
        // the English text of the rejection is for developers; people read the request's fault
        page.details = [Lang::Es, Lang::En].map(|lang| {
            let t = lang.tr();
            (
                t.error_bad_request_title.to_string(),
                t.error_bad_query_text.to_string(),
            )
        });
    }
    converted
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_checks() {
        let mut h = HeaderMap::new();
        assert!(
            same_origin(&h, "http://127.0.0.1:3000"),
            "no Origin header: token check alone"
        );
        h.insert(HOST, HeaderValue::from_static("127.0.0.1:3000"));
        h.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:3000"));
        assert!(same_origin(&h, "http://localhost:3000"));
        // the same host over another scheme is another origin
        assert!(!same_origin(&h, "https://minga.gob.mx"));
        h.insert(HOST, HeaderValue::from_static("minga.gob.mx"));
        h.insert(ORIGIN, HeaderValue::from_static("http://minga.gob.mx"));
        assert!(!same_origin(&h, "https://minga.gob.mx"));
        h.insert(ORIGIN, HeaderValue::from_static("https://minga.gob.mx"));
        assert!(same_origin(&h, "https://minga.gob.mx"));
        h.insert(ORIGIN, HeaderValue::from_static("https://minga.gob.mx"));
        assert!(same_origin(&h, "https://minga.gob.mx/"));
        h.insert(ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&h, "https://minga.gob.mx"));
        h.insert(ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&h, "https://minga.gob.mx"));
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h, "https://minga.gob.mx"));
    }

    #[test]
    fn urlencode_keeps_paths_readable() {
        assert_eq!(
            urlencode("/admin/accounts?q=ana pérez&x=1"),
            "/admin/accounts%3Fq%3Dana%20p%C3%A9rez%26x%3D1"
        );
    }
}
