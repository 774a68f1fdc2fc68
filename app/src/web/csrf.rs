//! CSRF protection: each browser gets a random HttpOnly cookie; every form carries an HMAC of it
//! under the portal's key (the "signed double-submit cookie"). A cross-site page can neither read
//! the cookie nor compute the token. POST handlers take their form through [`CsrfForm`], so no
//! form handler can forget the check.

use super::ctx::Ctx;
use crate::AppError;
use crate::components::MULTILINE_FIELDS;
use crate::error::{Invalid, Reason};
use crate::i18n::{Tr, fill};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::de::DeserializeOwned;
use sha2::Sha256;

pub const CSRF_FIELD: &str = "_csrf";

fn mac(key: &[u8; 32], cookie: &str) -> Hmac<Sha256> {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(b"minga-csrf:");
    mac.update(cookie.as_bytes());
    mac
}

/// A new CSRF cookie (as a `Set-Cookie` value), given at login so that a token learnt before
/// signing in is worth nothing after.
pub fn fresh_cookie(secure: bool) -> Result<String, AppError> {
    Ok(super::cookies::set_cookie(
        super::cookies::csrf_cookie_name(secure),
        &crate::services::secrets::random_token()?,
        None,
        true,
        secure,
    ))
}

/// The token forms carry for the browser holding `cookie`.
pub fn form_token(key: &[u8; 32], cookie: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(key, cookie).finalize().into_bytes())
}

/// Constant-time check of a submitted token.
pub fn verify(key: &[u8; 32], cookie: &str, token: &str) -> bool {
    match URL_SAFE_NO_PAD.decode(token.trim()) {
        Ok(tag) => mac(key, cookie).verify_slice(&tag).is_ok(),
        Err(_) => false,
    }
}

/// A form value with characters no person types into that field: a line break in a single-line
/// field (browsers strip them from `<input>`), or any other control character anywhere.
#[derive(Debug)]
pub struct ControlCharacters {
    pub field: String,
}

impl Reason for ControlCharacters {
    fn code(&self) -> &'static str {
        "control_characters"
    }
    fn message(&self, t: &'static Tr) -> String {
        fill(t.problem_control_characters, &[("field", &self.field)])
    }
}

/// Refuses control characters in a form value: only a multi-line field
/// ([`MULTILINE_FIELDS`]) may hold line breaks; a tab is accepted anywhere.
pub fn check_text(name: &str, value: &str) -> Result<(), AppError> {
    let multiline = MULTILINE_FIELDS.contains(&name);
    let refused = value
        .chars()
        .any(|c| c.is_control() && c != '\t' && !(multiline && matches!(c, '\n' | '\r')));
    if refused {
        Err(AppError::Invalid(Invalid::one(
            "",
            ControlCharacters {
                field: name.chars().filter(|c| !c.is_control()).take(64).collect(),
            },
        )))
    } else {
        Ok(())
    }
}

/// The form of a button that posts nothing but its CSRF token.
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

/// A URL-encoded form whose CSRF token was checked before it was read.
pub struct CsrfForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let ctx = req
            .extensions()
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::internal("form route outside the HTML layer"))?;
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::BadRequest(
                "expected a form (application/x-www-form-urlencoded)".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        let token = pairs
            .iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        if !ctx.csrf_ok(token) {
            return Err(AppError::Csrf);
        }
        for (name, value) in &pairs {
            check_text(name, value)?;
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|e| AppError::BadRequest(e.to_string()))
    }
}

/// A URL-encoded form as its (name, value) pairs in order — for forms with repeated names
/// (checkbox groups) — whose CSRF token was checked before it was read.
pub struct CsrfPairs(pub Vec<(String, String)>);

impl CsrfPairs {
    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequest<S> for CsrfPairs {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let CsrfForm(pairs) = CsrfForm::<Vec<(String, String)>>::from_request(req, state).await?;
        Ok(CsrfPairs(
            pairs.into_iter().filter(|(k, _)| k != CSRF_FIELD).collect(),
        ))
    }
}

/// One part of a multipart form: text fields are kept, files are only hashed as they stream by
/// (never held whole, never stored).
#[derive(Debug)]
pub enum Part {
    Text {
        name: String,
        value: String,
    },
    File {
        name: String,
        filename: String,
        size: u64,
        sha256: [u8; 32],
    },
}

/// Reads a multipart form, refusing it unless its `_csrf` field (which must come before any
/// file) carries a valid token. Files larger than `max_file` are refused.
pub async fn read_multipart(
    ctx: &Ctx,
    mp: axum::extract::Multipart,
    max_file: u64,
) -> Result<Vec<Part>, AppError> {
    use sha2::Digest;
    read_parts(
        ctx,
        mp,
        max_file,
        sha2::Sha256::new,
        |hasher, chunk| hasher.update(chunk),
        |name, value| Part::Text { name, value },
        |name, filename, _, size, hasher| Part::File {
            name,
            filename,
            size,
            sha256: hasher.finalize().into(),
        },
    )
    .await
}

/// The one loop behind [`read_multipart`] and [`read_uploads`]: the token first, text fields
/// kept, each file streamed into a fresh `start()` through `take` (refused past `max_file`
/// bytes), and every part made by `text` or `file` (name, file name, content type, size, sink).
async fn read_parts<T, S>(
    ctx: &Ctx,
    mut mp: axum::extract::Multipart,
    max_file: u64,
    start: impl Fn() -> S,
    take: impl Fn(&mut S, &[u8]),
    text: impl Fn(String, String) -> T,
    file: impl Fn(String, String, String, u64, S) -> T,
) -> Result<Vec<T>, AppError> {
    let mut parts = Vec::new();
    let mut token_ok = false;
    while let Some(mut field) = mp
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("form: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            if !token_ok {
                return Err(AppError::Csrf);
            }
            let content_type = field.content_type().unwrap_or_default().to_string();
            let mut sink = start();
            let mut size: u64 = 0;
            while let Some(chunk) = field.chunk().await.map_err(|_| AppError::PayloadTooLarge)? {
                size += chunk.len() as u64;
                if size > max_file {
                    return Err(AppError::PayloadTooLarge);
                }
                take(&mut sink, &chunk);
            }
            parts.push(file(name, filename, content_type, size, sink));
        } else {
            let value = field
                .text()
                .await
                .map_err(|e| AppError::BadRequest(format!("form: {e}")))?;
            if name == CSRF_FIELD {
                token_ok = ctx.csrf_ok(&value);
                if !token_ok {
                    return Err(AppError::Csrf);
                }
            } else {
                check_text(&name, &value)?;
                parts.push(text(name, value));
            }
        }
    }
    if !token_ok {
        return Err(AppError::Csrf);
    }
    Ok(parts)
}

/// One part of a multipart form whose files are kept (uploads to store, e.g. a CV).
#[derive(Debug)]
pub enum Upload {
    Text {
        name: String,
        value: String,
    },
    File {
        name: String,
        filename: String,
        content_type: String,
        bytes: Vec<u8>,
    },
}

/// A multipart form with one file: its text fields as the form's struct `T` (a field `T` cannot
/// read leaves its default), and the file sent in `file_field` as (file name, bytes), `None` when
/// none was chosen. The token is checked as [`read_uploads`] does.
pub async fn read_form_with_file<T: serde::de::DeserializeOwned + Default>(
    ctx: &Ctx,
    mp: axum::extract::Multipart,
    max_file: u64,
    file_field: &str,
) -> Result<(T, Option<(String, Vec<u8>)>), AppError> {
    let mut fields = serde_json::Map::new();
    let mut file = None;
    for part in read_uploads(ctx, mp, max_file).await? {
        match part {
            Upload::Text { name, value } => {
                fields.insert(name, serde_json::Value::String(value));
            }
            Upload::File {
                name,
                filename,
                bytes,
                ..
            } if name == file_field && !bytes.is_empty() => file = Some((filename, bytes)),
            Upload::File { .. } => {}
        }
    }
    let form = serde_json::from_value(serde_json::Value::Object(fields)).unwrap_or_default();
    Ok((form, file))
}

/// Reads a multipart form keeping its files in memory (each at most `max_file` bytes), refusing
/// it unless its `_csrf` field (which must come before any file) carries a valid token.
pub async fn read_uploads(
    ctx: &Ctx,
    mp: axum::extract::Multipart,
    max_file: u64,
) -> Result<Vec<Upload>, AppError> {
    read_parts(
        ctx,
        mp,
        max_file,
        Vec::new,
        |bytes, chunk| bytes.extend_from_slice(chunk),
        |name, value| Upload::Text { name, value },
        |name, filename, content_type, _, bytes| Upload::File {
            name,
            filename,
            content_type,
            bytes,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_only_in_multi_line_fields() {
        assert!(check_text("title_en", "Sesión ordinaria").is_ok());
        assert!(check_text("title_en", "a\tb").is_ok());
        assert!(check_text("title_en", "a\r\nSet-Cookie: x").is_err());
        assert!(check_text("name_es", "a\nb").is_err());
        assert!(check_text("name_es", "a\u{0}b").is_err());
        assert!(check_text("text", "línea 1\r\nlínea 2").is_ok());
        assert!(check_text("text", "a\u{1b}[31m").is_err());
    }

    #[test]
    fn tokens_bind_to_the_cookie_and_the_key() {
        let key = [7u8; 32];
        let token = form_token(&key, "cookie-a");
        assert!(verify(&key, "cookie-a", &token));
        assert!(!verify(&key, "cookie-b", &token));
        assert!(!verify(&[8u8; 32], "cookie-a", &token));
        assert!(!verify(&key, "cookie-a", ""));
        assert!(!verify(&key, "cookie-a", "not base64 !"));
    }
}
