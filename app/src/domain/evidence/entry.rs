//! The log entry: `{"v":1,"kind","source","ref","data_hash","document_hash","items_root","items",
//! "registered_at"}` in canonical form, and its link hash (hash 3), the leaf of the log.

use super::{Hash, jcs, merkle};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub v: u32,
    pub kind: String,
    pub source: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub data_hash: Hash,
    pub document_hash: Option<Hash>,
    pub items_root: Option<Hash>,
    pub items: u64,
    /// `YYYY-MM-DDThh:mm:ssZ`
    pub registered_at: String,
}

/// Seconds precision, `Z`: the form entries carry.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Entry {
    /// The entry's canonical (RFC 8785) bytes: what the log's leaf hashes and tiles carry.
    pub fn to_jcs(&self) -> Vec<u8> {
        jcs::canonicalize(&serde_json::to_value(self).unwrap_or_default())
    }

    /// Hash 3: the RFC 9162 leaf hash of the canonical entry.
    pub fn link_hash(&self) -> Hash {
        merkle::leaf_hash(&self.to_jcs())
    }

    /// Whether two entries record the same content (everything but the registration time).
    pub fn same_content(&self, other: &Entry) -> bool {
        self.kind == other.kind
            && self.source == other.source
            && self.reference == other.reference
            && self.data_hash == other.data_hash
            && self.document_hash == other.document_hash
            && self.items_root == other.items_root
            && self.items == other.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_and_link_hash() {
        let e = Entry {
            v: 1,
            kind: "purchase-order".into(),
            source: "catalogo".into(),
            reference: "OC-2026-000123".into(),
            data_hash: Hash([0x11; 32]),
            document_hash: None,
            items_root: Some(Hash([0x22; 32])),
            items: 3,
            registered_at: "2026-11-22T14:05:09Z".into(),
        };
        let text = String::from_utf8(e.to_jcs()).expect("utf-8");
        assert_eq!(
            text,
            format!(
                r#"{{"data_hash":"{}","document_hash":null,"items":3,"items_root":"{}","kind":"purchase-order","ref":"OC-2026-000123","registered_at":"2026-11-22T14:05:09Z","source":"catalogo","v":1}}"#,
                "11".repeat(32),
                "22".repeat(32)
            )
        );
        let mut leaf = vec![0u8];
        leaf.extend_from_slice(text.as_bytes());
        assert_eq!(e.link_hash(), Hash::of(&leaf));
        let back: Entry = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, e);
        assert!(
            serde_json::from_str::<Entry>(&text.replace(r#""v":1"#, r#""v":1,"extra":0"#)).is_err()
        );
        assert_eq!(
            format_time(
                DateTime::parse_from_rfc3339("2026-11-22T14:05:09.789Z")
                    .expect("t")
                    .with_timezone(&Utc)
            ),
            "2026-11-22T14:05:09Z"
        );
    }
}
