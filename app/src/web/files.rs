//! Serving what people uploaded (evidence documents, agenda documents, CVs) and what the portal
//! rendered (PDFs) so that nothing runs from the portal's origin: the type comes from an
//! allowlist, never from the uploader (a document registered as `text/javascript` would
//! otherwise run as `<script src=…>` despite the page's CSP); everything but PDFs and images is
//! a download; `nosniff` and a `sandbox` CSP on every file.

use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// How a file is handed to the browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Served {
    pub content_type: &'static str,
    pub inline: bool,
}

/// The type a file is served as, from the type it was declared with: PDF, PNG and JPEG as
/// themselves and shown inline; plain text, CSV and JSON as UTF-8 plain text, downloaded;
/// anything else (HTML, SVG, scripts, unknown) as bytes, downloaded.
pub fn served_as(declared: &str) -> Served {
    let base = declared
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match base.as_str() {
        "application/pdf" => Served {
            content_type: "application/pdf",
            inline: true,
        },
        "image/png" => Served {
            content_type: "image/png",
            inline: true,
        },
        "image/jpeg" => Served {
            content_type: "image/jpeg",
            inline: true,
        },
        "text/plain" | "text/csv" | "application/json" => Served {
            content_type: "text/plain; charset=utf-8",
            inline: false,
        },
        _ => Served {
            content_type: "application/octet-stream",
            inline: false,
        },
    }
}

/// `Content-Disposition` with an ASCII fallback name and the UTF-8 name (RFC 6266, RFC 8187).
pub fn disposition(inline: bool, filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let ascii = ascii.trim();
    let ascii = if ascii.is_empty() { "document" } else { ascii };
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    )
}

/// A file as a response: the allowlisted type, the disposition, `nosniff`, a sandboxing CSP and
/// the given caching.
pub fn inert(bytes: Vec<u8>, declared_type: &str, filename: &str, cache: &'static str) -> Response {
    let served = served_as(declared_type);
    let mut response = (StatusCode::OK, bytes).into_response();
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(served.content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition(served.inline, filename)) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowlisted_types_are_served_as_themselves() {
        let cases = [
            ("application/pdf", "application/pdf", true),
            ("Application/PDF; name=x", "application/pdf", true),
            ("image/png", "image/png", true),
            ("image/jpeg", "image/jpeg", true),
            ("text/plain", "text/plain; charset=utf-8", false),
            (
                "text/csv; charset=latin1",
                "text/plain; charset=utf-8",
                false,
            ),
            ("application/json", "text/plain; charset=utf-8", false),
            ("text/javascript", "application/octet-stream", false),
            ("application/javascript", "application/octet-stream", false),
            ("text/html", "application/octet-stream", false),
            ("image/svg+xml", "application/octet-stream", false),
            ("application/xhtml+xml", "application/octet-stream", false),
            ("", "application/octet-stream", false),
        ];
        for (declared, served, inline) in cases {
            assert_eq!(
                served_as(declared),
                Served {
                    content_type: served,
                    inline
                },
                "{declared}"
            );
        }
    }

    #[test]
    fn file_names_are_quoted_safely() {
        assert_eq!(
            disposition(false, "Acta \"1\".pdf"),
            "attachment; filename=\"Acta _1_.pdf\"; filename*=UTF-8''Acta%20%221%22.pdf"
        );
        assert_eq!(
            disposition(true, "año.pdf"),
            "inline; filename=\"a_o.pdf\"; filename*=UTF-8''a%C3%B1o.pdf"
        );
    }
}
