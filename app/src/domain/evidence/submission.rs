//! What a source system may submit: kind, reference, data, items and document, with limits.

use serde_json::Value;

/// Limits of one submission (settings, with these defaults).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_document_bytes: usize,
    /// The record itself (`data`, as canonical JSON); the document may be much larger.
    pub max_record_bytes: usize,
    pub max_items: usize,
    pub max_batch: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_document_bytes: 20 * 1024 * 1024,
            max_record_bytes: 1024 * 1024,
            max_items: 10_000,
            max_batch: 1_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubmissionProblem {
    Required,
    KindInvalid,
    KindNotAllowed,
    RefInvalid,
    NotAnObject,
    ItemNotAnObject {
        position: usize,
    },
    TooManyItems {
        max: usize,
    },
    DocumentTooLarge {
        max: usize,
    },
    RecordTooLarge {
        max: usize,
    },
    DocumentEmpty,
    MediaTypeInvalid,
    Base64Invalid,
    UnsafeInteger(String),
    BatchTooLarge {
        max: usize,
    },
    BatchEmpty,
    JsonInvalid(String),
    /// A member name repeated in one object; the JSON pointer of the repeated member within the
    /// submission (`/data/a`).
    DuplicateKey(String),
}

/// Kinds are lowercase words joined by `-` or `.` (`purchase-order`, `governance.vote-result`).
pub fn check_kind(kind: &str) -> Result<(), SubmissionProblem> {
    if kind.is_empty() {
        return Err(SubmissionProblem::Required);
    }
    let ok = kind.len() <= 64
        && kind.starts_with(|c: char| c.is_ascii_lowercase())
        && kind
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && !kind.ends_with(['-', '.']);
    if ok {
        Ok(())
    } else {
        Err(SubmissionProblem::KindInvalid)
    }
}

/// A source system's own reference: 1 to 200 characters, no control characters.
pub fn check_ref(reference: &str) -> Result<(), SubmissionProblem> {
    if reference.is_empty() {
        return Err(SubmissionProblem::Required);
    }
    if reference.chars().count() > 200
        || reference.chars().any(char::is_control)
        || reference.trim() != reference
    {
        return Err(SubmissionProblem::RefInvalid);
    }
    Ok(())
}

pub fn check_data(data: &Value) -> Result<(), SubmissionProblem> {
    if data.is_object() {
        Ok(())
    } else {
        Err(SubmissionProblem::NotAnObject)
    }
}

/// The record's size, measured on its canonical form (what is stored and hashed).
pub fn check_record_size(canonical_len: usize, limits: &Limits) -> Result<(), SubmissionProblem> {
    if canonical_len > limits.max_record_bytes {
        Err(SubmissionProblem::RecordTooLarge {
            max: limits.max_record_bytes,
        })
    } else {
        Ok(())
    }
}

pub fn check_items(items: &[Value], limits: &Limits) -> Result<(), SubmissionProblem> {
    if items.len() > limits.max_items {
        return Err(SubmissionProblem::TooManyItems {
            max: limits.max_items,
        });
    }
    match items.iter().position(|i| !i.is_object()) {
        Some(position) => Err(SubmissionProblem::ItemNotAnObject { position }),
        None => Ok(()),
    }
}

pub fn check_document(
    bytes: &[u8],
    media_type: &str,
    limits: &Limits,
) -> Result<(), SubmissionProblem> {
    if bytes.is_empty() {
        return Err(SubmissionProblem::DocumentEmpty);
    }
    if bytes.len() > limits.max_document_bytes {
        return Err(SubmissionProblem::DocumentTooLarge {
            max: limits.max_document_bytes,
        });
    }
    // the whole value, parameters included, is printable ASCII: it is stored and shown
    let valid_type = media_type.len() <= 127
        && media_type
            .chars()
            .all(|c| c.is_ascii() && !c.is_ascii_control())
        && media_type.split_once('/').is_some_and(|(a, b)| {
            let token = |s: &str| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
            };
            token(a) && token(b.split(';').next().unwrap_or_default().trim())
        });
    if valid_type {
        Ok(())
    } else {
        Err(SubmissionProblem::MediaTypeInvalid)
    }
}

/// A file name reduced to something safe to send back in `Content-Disposition`.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';' | '\\'))
        .take(200)
        .collect::<String>()
        .trim()
        .to_string();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "document".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::SubmissionProblem::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_and_refs() {
        for ok in ["purchase-order", "governance.vote-result", "a1"] {
            assert_eq!(check_kind(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("", Required),
            ("Purchase", KindInvalid),
            ("1abc", KindInvalid),
            ("a b", KindInvalid),
            ("abc-", KindInvalid),
        ] {
            assert_eq!(check_kind(bad), Err(why), "{bad}");
        }
        assert_eq!(check_kind(&"a".repeat(65)), Err(KindInvalid));
        assert_eq!(check_ref("OC-2026-000123"), Ok(()));
        assert_eq!(check_ref(""), Err(Required));
        assert_eq!(check_ref(" OC"), Err(RefInvalid));
        assert_eq!(check_ref("a\nb"), Err(RefInvalid));
        assert_eq!(check_ref(&"x".repeat(201)), Err(RefInvalid));
    }

    #[test]
    fn data_items_and_documents() {
        let limits = Limits {
            max_document_bytes: 10,
            max_record_bytes: 20,
            max_items: 2,
            max_batch: 5,
        };
        assert_eq!(check_data(&json!({"a": 1})), Ok(()));
        assert_eq!(check_record_size(20, &limits), Ok(()));
        assert_eq!(
            check_record_size(21, &limits),
            Err(RecordTooLarge { max: 20 })
        );
        assert_eq!(check_data(&json!([1])), Err(NotAnObject));
        assert_eq!(check_items(&[json!({}), json!({})], &limits), Ok(()));
        assert_eq!(
            check_items(&[json!({}), json!(2)], &limits),
            Err(ItemNotAnObject { position: 1 })
        );
        assert_eq!(
            check_items(&[json!({}), json!({}), json!({})], &limits),
            Err(TooManyItems { max: 2 })
        );
        assert_eq!(check_document(b"%PDF", "application/pdf", &limits), Ok(()));
        assert_eq!(
            check_document(b"", "application/pdf", &limits),
            Err(DocumentEmpty)
        );
        assert_eq!(
            check_document(&[0; 11], "application/pdf", &limits),
            Err(DocumentTooLarge { max: 10 })
        );
        assert_eq!(check_document(b"x", "pdf", &limits), Err(MediaTypeInvalid));
        assert_eq!(
            check_document(b"x", "text/plain; charset=utf-8", &limits),
            Ok(())
        );
        for forged in [
            "text/plain; charset=utf-8\r\nX-Injected: 1",
            "text/plain; name=\"a\u{0}b\"",
            "text/plain; name=\"años\"",
            "text/plain\t",
        ] {
            assert_eq!(
                check_document(b"x", forged, &limits),
                Err(MediaTypeInvalid),
                "{forged:?}"
            );
        }
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\orden \"1\";.pdf"), "orden 1.pdf");
        assert_eq!(clean_filename(".."), "document");
    }
}
