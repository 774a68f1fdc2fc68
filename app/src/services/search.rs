//! One search box over the public records, in Spanish and English, accents folded (SQLite FTS5,
//! see `migrations/sqlite/0023_search.sql`): decisions, meetings and their approved minutes,
//! agreements, projects, nodes, collectives, institutions and the evidences of public kinds.
//! Results come grouped by kind, best first, each with a snippet around the words found.

use crate::AppState;
use crate::error::AppResult;

/// What a result is, in the order the groups are shown.
pub const KINDS: [&str; 9] = [
    "decision",
    "meeting",
    "minutes",
    "agreement",
    "project",
    "node",
    "collective",
    "institution",
    "evidence",
];

/// The governance records, re-read on every pass: (kind, url, title, body) each.
const SOURCES: [&str; 8] = [
    "SELECT 'decision', COALESCE('/v/' || evidence_id, '/decisions'), title_es || ' · ' || title_en, ref || ' ' || event || ' ' || body || ' ' || data_json FROM decisions",
    "SELECT 'meeting', '/meetings/' || id, title_es || ' · ' || title_en, place || ' ' || objectives FROM meetings WHERE status <> 'draft'",
    "SELECT 'minutes', '/meetings/' || n.meeting_id || '/minutes', m.title_es || ' · ' || m.title_en, n.text
     FROM minutes n JOIN meetings m ON m.id = n.meeting_id WHERE n.status = 'approved'",
    "SELECT 'agreement', '/agreements/' || id, text, COALESCE(closing_note, '') FROM agreements",
    "SELECT 'project', '/projects/' || id, title, entity_name || ' ' || problem || ' ' || public_value || ' ' || beneficiaries || ' ' || COALESCE(lessons, '')
     FROM projects WHERE status IN ('admitted', 'closed', 'rejected')",
    "SELECT 'node', '/network/nodes/' || id, name, COALESCE(location, '') FROM nodes WHERE status IN ('admitted', 'suspended', 'retired')",
    "SELECT 'collective', '/collectives/' || slug, name_es || ' · ' || name_en, description_es || ' ' || description_en FROM collectives",
    "SELECT 'institution', '/collectives', name, short_name || ' ' || kind || ' ' || COALESCE(website, '') FROM institutions",
];

/// Refreshes the index: the governance records whole, the evidences of public kinds registered
/// since the last pass. Returns how many evidences were added.
pub async fn reindex(state: &AppState) -> AppResult<u64> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query("DELETE FROM search_index WHERE kind <> 'evidence'")
        .execute(&mut *tx)
        .await?;
    for source in SOURCES {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO search_index (kind, url, title, body) {source}"
        )))
        .execute(&mut *tx)
        .await?;
    }
    let from: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(value), -1) FROM search_progress WHERE name = 'evidences'",
    )
    .fetch_one(&mut *tx)
    .await?;
    // a few thousand at a time: a long log is indexed over several passes
    let to: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(idx), ?1) FROM (SELECT idx FROM evidences WHERE idx > ?1 ORDER BY idx LIMIT 5000)",
    )
    .bind(from)
    .fetch_one(&mut *tx)
    .await?;
    let added = sqlx::query(
        "INSERT INTO search_index (kind, url, title, body)
         SELECT 'evidence', '/v/' || e.id, e.ref, e.kind || ' ' || e.source || ' ' || e.data_json
         FROM evidences e LEFT JOIN evidence_visibility v ON v.source = e.source AND v.kind = e.kind
         WHERE e.idx > ? AND e.idx <= ?
           AND ((e.source = 'portal' AND e.kind LIKE 'governance.%') OR v.public = 1)",
    )
    .bind(from)
    .bind(to)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query(
        "INSERT INTO search_progress (name, value) VALUES ('evidences', ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(to)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(added)
}

/// The words of what someone typed, each quoted for FTS5 (so no character of theirs is read as
/// query syntax), all required; the last one also as a prefix ("sesi" finds "sesión").
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(|w| format!("\"{w}\""))
        .collect();
    let (last, rest) = words.split_last()?;
    let mut query = rest.join(" ");
    if !query.is_empty() {
        query.push(' ');
    }
    query.push_str(&format!("{last}*"));
    Some(query)
}

/// A result: what it is, where it is, its title and the text around the words found (the words
/// between `\u{2}` and `\u{3}`, for the page to mark).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Hit {
    pub kind: String,
    pub url: String,
    pub title: String,
    pub snippet: String,
}

/// Up to `limit` results for `text`, best first.
pub async fn search(state: &AppState, text: &str, limit: i64) -> AppResult<Vec<Hit>> {
    let Some(query) = fts_query(text) else {
        return Ok(Vec::new());
    };
    let hits: Vec<Hit> = sqlx::query_as(
        "SELECT kind, url, title, snippet(search_index, 3, char(2), char(3), '…', 16) AS snippet
         FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT ?",
    )
    .bind(query)
    .bind(limit)
    .fetch_all(&state.db)
    .await?;
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_becomes_quoted_words() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("sesión"), Some("\"sesión\"*".into()));
        assert_eq!(
            fts_query("orden OR \"compra\" NEAR(x)"),
            Some("\"orden\" \"OR\" \"compra\" \"NEAR\" \"x\"*".into())
        );
        assert_eq!(fts_query("a-b"), Some("\"a\" \"b\"*".into()));
    }
}
