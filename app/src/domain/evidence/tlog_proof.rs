//! An evidence's proof in the C2SP `tlog-proof` text format (c2sp.org/tlog-proof), so generic
//! transparency-log tools can check it:
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64 of the canonical entry>
//! index <N>
//! <base64 hash>            the inclusion proof, leaf's sibling first (RFC 6962 §2.1.1)
//! …
//!
//! <the signed checkpoint, verbatim>
//! ```
//!
//! The `extra` line carries the entry (its RFC 8785 bytes), from which the leaf hash is computed
//! (`SHA-256(0x00 ‖ entry)`); it is not trusted as such: the inclusion proof and the checkpoint's
//! signature are what make it believable. [`verify`] runs the receipt's checks on it.

use super::Hash;
use super::checkpoint;
use super::entry::Entry;
use super::receipt::{self, Check, Inclusion, Receipt};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

pub const HEADER: &str = "c2sp.org/tlog-proof@v1";
/// The media type the API serves it as.
pub const MEDIA_TYPE: &str = "application/vnd.c2sp.tlog-proof";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlogProof {
    /// Opaque to generic tools; here, the canonical entry.
    pub extra: Option<Vec<u8>>,
    pub index: u64,
    pub path: Vec<Hash>,
    /// The signed note, as the log issued it.
    pub checkpoint: String,
}

impl TlogProof {
    /// The proof a receipt holds.
    pub fn of(receipt: &Receipt) -> TlogProof {
        TlogProof {
            extra: Some(receipt.entry.to_jcs()),
            index: receipt.index,
            path: receipt.inclusion.path.clone(),
            checkpoint: receipt.checkpoint.clone(),
        }
    }

    pub fn to_text(&self) -> String {
        let mut out = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", STANDARD.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for h in &self.path {
            out.push_str(&h.base64());
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    /// Reads a proof, strictly as the format says.
    pub fn parse(text: &str) -> Result<TlogProof, String> {
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or("no empty line before the checkpoint")?;
        let mut lines = head.split('\n');
        if lines.next() != Some(HEADER) {
            return Err(format!("the first line is not `{HEADER}`"));
        }
        let mut line = lines.next().ok_or("no index line")?;
        let extra = match line.strip_prefix("extra ") {
            Some(b64) => {
                let bytes = STANDARD
                    .decode(b64)
                    .map_err(|e| format!("the extra data is not base64: {e}"))?;
                line = lines.next().ok_or("no index line")?;
                Some(bytes)
            }
            None => None,
        };
        let index = line
            .strip_prefix("index ")
            .ok_or("the line after the header (and extra) is not `index N`")?;
        if index.is_empty()
            || !index.bytes().all(|b| b.is_ascii_digit())
            || (index.len() > 1 && index.starts_with('0'))
        {
            return Err(format!(
                "`{index}` is not a decimal index without leading zeroes"
            ));
        }
        let index: u64 = index.parse().map_err(|_| "the index is too large")?;
        let path = lines
            .map(|l| {
                STANDARD
                    .decode(l)
                    .ok()
                    .and_then(|b| Hash::from_slice(&b))
                    .ok_or_else(|| format!("`{l}` is not a base64 SHA-256 hash"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if checkpoint.is_empty() {
            return Err("no checkpoint after the empty line".into());
        }
        Ok(TlogProof {
            extra,
            index,
            path,
            checkpoint: checkpoint.to_string(),
        })
    }
}

/// Whether `text` looks like a tlog-proof rather than a JSON receipt.
pub fn is_tlog_proof(text: &str) -> bool {
    text.starts_with(HEADER)
}

/// The receipt a proof amounts to: the entry from `extra` (which must be canonical), the index,
/// the inclusion proof leading to the checkpoint's own size and root, the checkpoint. (No
/// anchors: the format has none.)
pub fn to_receipt(proof: &TlogProof) -> Result<Receipt, String> {
    let extra = proof
        .extra
        .as_ref()
        .ok_or("the proof carries no entry (`extra`): there is nothing to check it against")?;
    let entry: Entry = serde_json::from_slice(extra)
        .map_err(|e| format!("the extra data is not a Minga entry: {e}"))?;
    if entry.to_jcs() != *extra {
        return Err("the entry in the extra data is not in canonical form (RFC 8785)".into());
    }
    let cp = checkpoint::parse_unverified(&proof.checkpoint)
        .map_err(|e| format!("the checkpoint cannot be read: {e}"))?;
    Ok(Receipt {
        v: 1,
        id: String::new(),
        index: proof.index,
        link_hash: entry.link_hash(),
        entry,
        inclusion: Inclusion {
            tree_size: cp.size,
            root: cp.root,
            path: proof.path.clone(),
        },
        checkpoint: proof.checkpoint.clone(),
        anchors: Vec::new(),
    })
}

/// Checks a proof as a receipt: the entry → its leaf, the inclusion proof to the checkpoint's
/// size and root, the checkpoint's signature, and the document when given.
pub fn verify(
    proof: &TlogProof,
    verifier_key: Option<&str>,
    document: Option<&[u8]>,
) -> Vec<Check> {
    match to_receipt(proof) {
        Ok(r) => receipt::verify(&r, verifier_key, document),
        Err(detail) => vec![Check {
            name: "entry",
            ok: false,
            detail,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evidence::receipt::tests::receipt_for;

    fn failed(checks: &[Check]) -> Vec<&'static str> {
        checks.iter().filter(|c| !c.ok).map(|c| c.name).collect()
    }

    #[test]
    fn a_receipt_as_a_tlog_proof_reads_back_and_verifies() {
        let (r, key) = receipt_for(b"%PDF-1.7 orden");
        let proof = TlogProof::of(&r);
        let text = proof.to_text();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(HEADER));
        assert!(lines.next().is_some_and(|l| l.starts_with("extra ")));
        assert_eq!(lines.next(), Some("index 3"));
        // the proof's hashes, then an empty line, then the checkpoint verbatim
        assert!(text.ends_with(&r.checkpoint));
        assert!(text.contains(&format!(
            "{}\n\n{}",
            r.inclusion.path.last().expect("path").base64(),
            r.checkpoint
        )));
        let back = TlogProof::parse(&text).expect("parse");
        assert_eq!(back, proof);
        assert!(is_tlog_proof(&text));
        let checks = verify(&back, Some(&key), Some(b"%PDF-1.7 orden"));
        assert_eq!(failed(&checks), Vec::<&str>::new(), "{checks:?}");
    }

    #[test]
    fn tampering_and_malformed_proofs_are_refused() {
        let (r, key) = receipt_for(b"doc");
        let good = TlogProof::of(&r);
        // another entry
        let mut t = good.clone();
        let mut entry = r.entry.clone();
        entry.reference = "OC-999".into();
        t.extra = Some(entry.to_jcs());
        assert_eq!(failed(&verify(&t, Some(&key), None)), vec!["inclusion"]);
        // another index
        let mut t = good.clone();
        t.index = 2;
        assert_eq!(failed(&verify(&t, Some(&key), None)), vec!["inclusion"]);
        // a checkpoint signed by nobody we trust
        let mut t = good.clone();
        t.checkpoint = t.checkpoint.replace("\n5\n", "\n6\n");
        assert!(failed(&verify(&t, Some(&key), None)).contains(&"signature"));
        // no entry, or one not in canonical form
        let mut t = good.clone();
        t.extra = None;
        assert_eq!(failed(&verify(&t, Some(&key), None)), vec!["entry"]);
        let mut t = good.clone();
        t.extra = Some(serde_json::to_vec_pretty(&r.entry).expect("json"));
        assert_eq!(failed(&verify(&t, Some(&key), None)), vec!["entry"]);
        // the format, strictly
        let text = good.to_text();
        for bad in [
            text.replacen(HEADER, "c2sp.org/tlog-proof@v2", 1),
            text.replacen("index 3", "index 03", 1),
            text.replacen("index 3", "index -3", 1),
            text.replacen("\n\n", "\n", 1),
            text.replacen(&good.path[0].base64(), "not base64!", 1),
        ] {
            assert!(TlogProof::parse(&bad).is_err(), "{bad}");
        }
        // without extra data it still parses (generic tools may drop it)
        let mut bare = good.clone();
        bare.extra = None;
        assert_eq!(TlogProof::parse(&bare.to_text()).expect("parse"), bare);
    }
}
