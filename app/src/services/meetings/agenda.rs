//! A meeting's ordered agenda: items with their presenter and motion, added before the meeting
//! (to a draft, or to a convened meeting as a revision), removed and reordered while it is a
//! draft; the documents attached to them, stored by their SHA-256.

use super::{MAX_LINE, MAX_TEXT, MeetingProblem, covered, refused};
use crate::AppError;
use crate::AppState;
use crate::domain::meetings::StatusRefusal;
use crate::error::{AppResult, Invalid};
use crate::services::audit::{self, Actor};
use crate::services::authority::Convener;
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

#[derive(Clone, Debug, FromRow)]
pub struct AgendaItem {
    pub id: i64,
    pub meeting_id: i64,
    pub position: i64,
    pub title: String,
    pub presenter: String,
    pub motion: String,
    pub vote_id: Option<i64>,
    /// The meeting whose minutes this item puts to the vote, if it does.
    pub approves_minutes_of: Option<i64>,
}

impl AgendaItem {
    /// The item as the minutes state it.
    pub fn line(&self) -> crate::domain::minutes::ItemLine<'_> {
        crate::domain::minutes::ItemLine {
            position: self.position,
            title: &self.title,
            presenter: &self.presenter,
            motion: &self.motion,
        }
    }
}

const ITEM_SELECT: &str = "SELECT id, meeting_id, position, title, presenter, motion, vote_id, approves_minutes_of FROM agenda_items";

pub async fn agenda<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    meeting_id: i64,
) -> AppResult<Vec<AgendaItem>> {
    let sql = format!("{ITEM_SELECT} WHERE meeting_id = ? ORDER BY position");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(meeting_id)
        .fetch_all(db)
        .await?)
}

/// The agendas of several meetings in one query (a calendar feed, a list).
pub async fn agendas(db: &SqlitePool, meeting_ids: &[i64]) -> AppResult<Vec<AgendaItem>> {
    let sql = format!(
        "{ITEM_SELECT} WHERE meeting_id IN (SELECT value FROM json_each(?)) ORDER BY meeting_id, position"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(serde_json::to_string(meeting_ids).map_err(AppError::internal)?)
        .fetch_all(db)
        .await?)
}

/// Checks an item as typed.
pub(crate) fn check_item(title: &str, presenter: &str, motion: &str) -> AppResult<()> {
    let mut invalid = Invalid::new();
    if title.trim().is_empty() {
        invalid.add("title", MeetingProblem::Required);
    }
    for (field, v, max) in [
        ("title", title, MAX_LINE),
        ("presenter", presenter, MAX_LINE),
        ("motion", motion, MAX_TEXT),
    ] {
        if v.chars().count() > max {
            invalid.add(field, MeetingProblem::TooLong { max });
        }
    }
    invalid.into_result()
}

/// Adds an item at the end of the agenda (before the convocation, or as a revision after it).
pub async fn add_item(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    title: &str,
    presenter: &str,
    motion: &str,
    actor: &Actor,
) -> AppResult<i64> {
    covered(&state.db, convener, meeting_id).await?;
    check_item(title, presenter, motion)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id = insert_item(&mut tx, meeting_id, title, presenter, motion, actor).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds an item to the agenda inside the caller's transaction, which has checked the convener
/// and the item; refused unless the meeting is still a draft or convened.
pub(crate) async fn insert_item(
    tx: &mut sqlx::SqliteConnection,
    meeting_id: i64,
    title: &str,
    presenter: &str,
    motion: &str,
    actor: &Actor,
) -> AppResult<i64> {
    // the meeting's state is read in the transaction that adds to it
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO agenda_items (meeting_id, position, title, presenter, motion)
         SELECT ?1, (SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = ?1), ?2, ?3, ?4
         WHERE EXISTS (SELECT 1 FROM meetings WHERE id = ?1 AND status IN ('draft', 'convened'))
         RETURNING id",
    )
    .bind(meeting_id)
    .bind(title.trim())
    .bind(presenter.trim())
    .bind(motion.trim())
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or_else(|| refused(StatusRefusal::Closed))?;
    audit::record(
        tx,
        actor,
        "meeting.agenda-item-added",
        "meeting",
        meeting_id,
        None,
        Some(json!({"item": id, "title": title.trim(), "motion": motion.trim()})),
    )
    .await?;
    Ok(id)
}

/// Takes an item off a draft's agenda (with its documents); the items after it move up.
pub async fn remove_item(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    item_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    covered(&state.db, convener, meeting_id).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let item: Option<(i64, String)> = sqlx::query_as(
        "SELECT i.position, i.title FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
         WHERE i.id = ? AND i.meeting_id = ? AND m.status = 'draft'",
    )
    .bind(item_id)
    .bind(meeting_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((position, title)) = item else {
        // a convened meeting keeps its agenda; an item of another meeting is not here
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM agenda_items WHERE id = ? AND meeting_id = ?")
                .bind(item_id)
                .bind(meeting_id)
                .fetch_optional(&mut *tx)
                .await?;
        return Err(match exists {
            Some(_) => refused(StatusRefusal::NotDraft),
            None => AppError::NotFound,
        });
    };
    // a project's admission or a member's removal is decided by this item's vote
    let tied: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM projects WHERE agenda_item_id = ?1)
              + (SELECT COUNT(*) FROM advisory_removals WHERE agenda_item_id = ?1)",
    )
    .bind(item_id)
    .fetch_one(&mut *tx)
    .await?;
    if tied > 0 {
        return Err(Invalid::one("", MeetingProblem::ItemTied).into());
    }
    sqlx::query("DELETE FROM agenda_attachments WHERE item_id = ?")
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM agenda_items WHERE id = ?")
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
    // positions are unique per meeting, whatever order the rows are updated in: the items after
    // it step aside to negative positions first, then take their new places
    sqlx::query(
        "UPDATE agenda_items SET position = -position WHERE meeting_id = ? AND position > ?",
    )
    .bind(meeting_id)
    .bind(position)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE agenda_items SET position = -position - 1 WHERE meeting_id = ? AND position < 0",
    )
    .bind(meeting_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "meeting.agenda-item-removed",
        "meeting",
        meeting_id,
        Some(json!({"item": item_id, "title": title, "position": position})),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Where an item moves in a draft's agenda.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
}

impl Move {
    pub fn parse(s: &str) -> Option<Move> {
        match s {
            "up" => Some(Move::Up),
            "down" => Some(Move::Down),
            _ => None,
        }
    }
}

/// Swaps an item of a draft's agenda with the one before or after it (nothing at either end).
pub async fn move_item(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    item_id: i64,
    to: Move,
    actor: &Actor,
) -> AppResult<()> {
    covered(&state.db, convener, meeting_id).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM meetings WHERE id = ?")
        .bind(meeting_id)
        .fetch_optional(&mut *tx)
        .await?;
    if status.as_deref() != Some("draft") {
        return Err(refused(StatusRefusal::NotDraft));
    }
    let position: i64 =
        sqlx::query_scalar("SELECT position FROM agenda_items WHERE id = ? AND meeting_id = ?")
            .bind(item_id)
            .bind(meeting_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
    let other = match to {
        Move::Up => position - 1,
        Move::Down => position + 1,
    };
    let neighbour: Option<i64> =
        sqlx::query_scalar("SELECT id FROM agenda_items WHERE meeting_id = ? AND position = ?")
            .bind(meeting_id)
            .bind(other)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(neighbour) = neighbour {
        // positions are unique per meeting: park the item, move the neighbour, place the item
        for (id, pos) in [(item_id, -1), (neighbour, position), (item_id, other)] {
            sqlx::query("UPDATE agenda_items SET position = ? WHERE id = ?")
                .bind(pos)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut tx,
            actor,
            "meeting.agenda-item-moved",
            "meeting",
            meeting_id,
            Some(json!({"item": item_id, "position": position})),
            Some(json!({"item": item_id, "position": other})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The largest document attached to an agenda item.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// A document attached to an agenda item, stored by its SHA-256.
#[derive(Clone, Debug, FromRow)]
pub struct Attachment {
    pub id: i64,
    pub item_id: i64,
    pub sha256: String,
    pub filename: String,
    pub media_type: String,
    pub size: i64,
}

/// The documents attached to a meeting's agenda, by item and order of attachment.
pub async fn attachments<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    meeting_id: i64,
) -> AppResult<Vec<Attachment>> {
    Ok(sqlx::query_as(
        "SELECT t.id, t.item_id, t.sha256, t.filename, t.media_type, t.size FROM agenda_attachments t
         JOIN agenda_items i ON i.id = t.item_id WHERE i.meeting_id = ? ORDER BY i.position, t.id",
    )
    .bind(meeting_id)
    .fetch_all(db)
    .await?)
}

/// A file name safe to show and to offer for download: no path, no control characters, at most
/// 120 characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "documento".into()
    } else {
        cleaned
    }
}

/// Attaches a document to an agenda item of a meeting not yet held or cancelled (a convened
/// meeting's members get it with the next revision sent). The file is stored before the write
/// lock is taken.
pub async fn attach(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    item_id: i64,
    file: Option<(&str, &str, &[u8])>,
    actor: &Actor,
) -> AppResult<i64> {
    let m = covered(&state.db, convener, meeting_id).await?;
    let Some((filename, media_type, bytes)) = file.filter(|f| !f.2.is_empty()) else {
        return Err(Invalid::one("attachment", MeetingProblem::FileRequired).into());
    };
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(Invalid::one(
            "attachment",
            MeetingProblem::FileTooLarge {
                max_mb: MAX_ATTACHMENT_BYTES / (1024 * 1024),
            },
        )
        .into());
    }
    m.status.add_to_agenda().map_err(refused)?;
    if !agenda(&state.db, meeting_id)
        .await?
        .iter()
        .any(|i| i.id == item_id)
    {
        return Err(AppError::NotFound);
    }
    let media_type = if media_type.is_empty() || media_type.len() > 127 {
        "application/octet-stream"
    } else {
        media_type
    };
    let filename = clean_filename(filename);
    let hash =
        crate::services::evidence::documents::store(&state.settings.documents_dir(), bytes).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO agenda_attachments (item_id, sha256, filename, media_type, size)
         SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM meetings WHERE id = ? AND status IN ('draft', 'convened'))
         RETURNING id",
    )
    .bind(item_id)
    .bind(hash.hex())
    .bind(&filename)
    .bind(media_type)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(meeting_id)
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or_else(|| refused(StatusRefusal::Closed))?;
    audit::record(
        &mut tx,
        actor,
        "meeting.attachment-added",
        "meeting",
        meeting_id,
        None,
        Some(json!({"item": item_id, "attachment": id, "filename": filename, "sha256": hash.hex(), "size": bytes.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An attached document's row and bytes.
pub async fn attachment(
    state: &AppState,
    meeting_id: i64,
    attachment_id: i64,
) -> AppResult<(Attachment, Vec<u8>)> {
    let a = attachments(&state.db, meeting_id)
        .await?
        .into_iter()
        .find(|a| a.id == attachment_id)
        .ok_or(AppError::NotFound)?;
    let hash = crate::domain::evidence::Hash::from_hex(&a.sha256).ok_or(AppError::NotFound)?;
    let bytes = crate::services::evidence::documents::read(&state.settings.documents_dir(), &hash)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((a, bytes))
}
