//! Governance documents published in versions (the ethics code, the security protocol): their
//! kinds, the fingerprint an acceptance records, and the differences between two versions,
//! line by line.

use serde_json::json;

/// A governance document kept in versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "kebab-case")]
pub enum DocKind {
    /// The ethics code every member and leader accepts (a condition of membership).
    EthicsCode,
    /// Identity, privacy and data protection, cybersecurity (seed 003).
    SecurityProtocol,
}

impl DocKind {
    pub const ALL: [DocKind; 2] = [DocKind::EthicsCode, DocKind::SecurityProtocol];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::EthicsCode => "ethics-code",
            DocKind::SecurityProtocol => "security-protocol",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Its public page.
    pub fn path(self) -> &'static str {
        match self {
            DocKind::EthicsCode => "/ethics",
            DocKind::SecurityProtocol => "/security-protocol",
        }
    }
}

/// The fingerprint of a version: SHA-256 (hex) of the JCS form of
/// `{"kind", "version", "text_es", "text_en"}` — what an acceptance records and the decision
/// publishing the version carries, so anyone can recompute it from the evidence.
pub fn fingerprint(kind: DocKind, version: i64, text_es: &str, text_en: &str) -> String {
    let value = json!({
        "kind": kind.as_str(),
        "version": version,
        "text_es": text_es,
        "text_en": text_en,
    });
    crate::domain::evidence::Hash::of(&crate::domain::evidence::jcs::canonicalize(&value)).hex()
}

/// One line of the differences between two texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Same(String),
    Removed(String),
    Added(String),
}

/// The differences between `old` and `new`, line by line (a longest common subsequence: the
/// lines kept in order, the others removed or added where they stand).
pub fn diff(old: &str, new: &str) -> Vec<Change> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..]
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n.max(m));
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push(Change::Same(a[i].to_string()));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // what goes comes before what replaces it
            out.push(Change::Removed(a[i].to_string()));
            i += 1;
        } else {
            out.push(Change::Added(b[j].to_string()));
            j += 1;
        }
    }
    out
}

/// Why someone may not vote, apply or file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acceptance {
    /// No ethics code is in force, or the person accepted the one that is.
    Clear,
    /// The version in force (its number) is not accepted.
    Missing { version: i64 },
}

/// Whether a person who accepted `accepted` (version numbers) may act under the code in force.
pub fn acceptance(in_force: Option<i64>, accepted: &[i64]) -> Acceptance {
    match in_force {
        Some(v) if !accepted.contains(&v) => Acceptance::Missing { version: v },
        _ => Acceptance::Clear,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| match c {
                Change::Same(l) => format!("  {l}"),
                Change::Removed(l) => format!("- {l}"),
                Change::Added(l) => format!("+ {l}"),
            })
            .collect()
    }

    #[test]
    fn the_differences_keep_the_common_lines_in_order() {
        let old = "1. Integridad\n2. Transparencia\n3. Confidencialidad";
        let new = "1. Integridad\n2. Transparencia activa\n3. Confidencialidad\n4. Respeto";
        assert_eq!(
            lines(&diff(old, new)),
            [
                "  1. Integridad",
                "- 2. Transparencia",
                "+ 2. Transparencia activa",
                "  3. Confidencialidad",
                "+ 4. Respeto"
            ]
        );
        assert_eq!(lines(&diff("", "a")), ["+ a"]);
        assert_eq!(lines(&diff("a\nb", "")), ["- a", "- b"]);
        assert!(
            diff("a\nb", "a\nb")
                .iter()
                .all(|c| matches!(c, Change::Same(_)))
        );
    }

    #[test]
    fn the_gate_opens_only_for_the_version_in_force() {
        assert_eq!(acceptance(None, &[]), Acceptance::Clear);
        assert_eq!(acceptance(Some(2), &[1, 2]), Acceptance::Clear);
        assert_eq!(
            acceptance(Some(2), &[1]),
            Acceptance::Missing { version: 2 }
        );
        assert_eq!(acceptance(Some(1), &[]), Acceptance::Missing { version: 1 });
    }

    #[test]
    fn a_fingerprint_changes_with_every_part() {
        let base = fingerprint(DocKind::EthicsCode, 1, "texto", "text");
        assert_eq!(base.len(), 64);
        assert_eq!(base, fingerprint(DocKind::EthicsCode, 1, "texto", "text"));
        for other in [
            fingerprint(DocKind::SecurityProtocol, 1, "texto", "text"),
            fingerprint(DocKind::EthicsCode, 2, "texto", "text"),
            fingerprint(DocKind::EthicsCode, 1, "texto.", "text"),
            fingerprint(DocKind::EthicsCode, 1, "texto", "text."),
        ] {
            assert_ne!(base, other);
        }
    }
}
