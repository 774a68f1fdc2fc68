//! Reading the Cookie header and writing Set-Cookie values.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use std::collections::HashMap;

pub const SESSION_COOKIE: &str = "minga_session";
/// The CSRF cookie's name over plain http; behind https it carries the `__Host-` prefix
/// ([`csrf_cookie_name`]), which browsers accept only from the host itself, `Secure`, on `/`
/// and without `Domain`, so a sibling subdomain cannot plant one.
pub const CSRF_COOKIE: &str = "minga_csrf";

pub fn csrf_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-minga_csrf"
    } else {
        CSRF_COOKIE
    }
}
pub const LANG_COOKIE: &str = "minga_lang";

#[derive(Debug, Default)]
pub struct Cookies(HashMap<String, String>);

impl Cookies {
    pub fn parse(headers: &HeaderMap) -> Cookies {
        let mut map = HashMap::new();
        for value in headers.get_all(COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            for pair in text.split(';') {
                if let Some((k, v)) = pair.trim().split_once('=') {
                    map.entry(k.trim().to_string())
                        .or_insert_with(|| v.trim().trim_matches('"').to_string());
                }
            }
        }
        Cookies(map)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// A `Set-Cookie` value: always `Path=/`, `SameSite=Lax`; `HttpOnly` for secrets; `Secure` when
/// the portal is served over https. `max_age` of `Some(0)` deletes the cookie.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_secs: Option<i64>,
    http_only: bool,
    secure: bool,
) -> String {
    let mut s = format!("{name}={value}; Path=/; SameSite=Lax");
    if let Some(age) = max_age_secs {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if http_only {
        s.push_str("; HttpOnly");
    }
    if secure {
        s.push_str("; Secure");
    }
    s
}

/// Adds `Set-Cookie` headers (made by [`set_cookie`]) to a response.
pub fn add_cookies(
    response: &mut axum::response::Response,
    cookies: &[String],
) -> Result<(), crate::AppError> {
    for cookie in cookies {
        let value = axum::http::HeaderValue::from_str(cookie).map_err(crate::AppError::internal)?;
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn parses_several_headers_and_keeps_the_first_value() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1; minga_lang=en"));
        h.append(COOKIE, HeaderValue::from_static("a=2;b=\"x\"; empty="));
        let c = Cookies::parse(&h);
        assert_eq!(c.get("a"), Some("1"));
        assert_eq!(c.get("minga_lang"), Some("en"));
        assert_eq!(c.get("b"), Some("x"));
        assert_eq!(c.get("empty"), None);
    }

    #[test]
    fn the_csrf_cookie_is_host_prefixed_behind_https() {
        assert_eq!(csrf_cookie_name(true), "__Host-minga_csrf");
        assert_eq!(csrf_cookie_name(false), "minga_csrf");
    }

    #[test]
    fn set_cookie_attributes() {
        assert_eq!(
            set_cookie("s", "v", None, true, true),
            "s=v; Path=/; SameSite=Lax; HttpOnly; Secure"
        );
        assert_eq!(
            set_cookie("l", "en", Some(0), false, false),
            "l=en; Path=/; SameSite=Lax; Max-Age=0"
        );
    }
}
