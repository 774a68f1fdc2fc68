//! The demo's history dated as it happened: each decision, vote and ballot at the moment it would have been made.

#[allow(unused_imports)]
use super::*;

/// The demo's history is written in one go at load time; its decisions are dated as they would
/// have happened: each seat a week before its term began, the past meeting's quorum when its
/// session opened, its motion's vote during the session (the roll on the meeting's day), the
/// minutes and their agreements when the minutes were approved. Runs before the publisher
/// registers any of them (the workers start after the demo), so each evidence carries these
/// dates from the start. What happened at load time (the upcoming meeting convened, the renewal
/// vote and the call opened) keeps its date.
pub(super) async fn date_as_it_happened(state: &AppState) -> AppResult<()> {
    let at = |day: NaiveDate| -> AppResult<chrono::DateTime<Utc>> {
        Ok(day
            .and_hms_opt(17, 0, 0)
            .ok_or_else(|| AppError::internal("demo date"))?
            .and_utc())
    };
    let mut tx = crate::db::begin_write(&state.db).await?;
    let seats: Vec<(i64, NaiveDate)> =
        sqlx::query_as("SELECT id, starts_on FROM offices WHERE note = 'demo'")
            .fetch_all(&mut *tx)
            .await?;
    for (office, starts_on) in seats {
        let decided = at(starts_on - chrono::Days::new(7))?;
        sqlx::query("UPDATE offices SET granted_at = ? WHERE id = ?")
            .bind(Ts(decided))
            .bind(office)
            .execute(&mut *tx)
            .await?;
        redate(
            &mut tx,
            &format!("appointment/{office}"),
            None,
            decided,
            |_| {},
        )
        .await?;
    }
    let held: Vec<(i64, Ts, Ts, String)> = sqlx::query_as(
        "SELECT id, opened_at, ends_at, timezone FROM meetings WHERE status = 'held' AND opened_at IS NOT NULL",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (meeting, opened_at, ends_at, timezone) in held {
        let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
        let day = opened_at.0.with_timezone(&tz).date_naive();
        let quorum: Vec<String> = sqlx::query_scalar(
            "SELECT ref FROM decisions WHERE event = 'quorum-established' AND ref LIKE ?",
        )
        .bind(format!("meeting/{meeting}/quorum/%"))
        .fetch_all(&mut *tx)
        .await?;
        for reference in quorum {
            let renamed = format!("meeting/{meeting}/quorum/{}", opened_at.0.timestamp());
            redate(&mut tx, &reference, Some(&renamed), opened_at.0, |_| {}).await?;
        }
        let votes: Vec<i64> = sqlx::query_scalar(
            "SELECT vote_id FROM agenda_items WHERE meeting_id = ? AND vote_id IS NOT NULL ORDER BY position",
        )
        .bind(meeting)
        .fetch_all(&mut *tx)
        .await?;
        for (n, vote) in votes.into_iter().enumerate() {
            let minutes = 40 + 10 * i64::try_from(n).unwrap_or(0);
            let opened = opened_at.0 + chrono::Duration::minutes(minutes);
            let closed = opened + chrono::Duration::minutes(5);
            sqlx::query(
                "UPDATE votes SET created_at = ?, eligibility_on = ?, closes_at = ?, closed_at = ? WHERE id = ?",
            )
            .bind(Ts(opened))
            .bind(day)
            .bind(ends_at)
            .bind(Ts(closed))
            .bind(vote)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE ballots SET cast_at = ? WHERE vote_id = ?")
                .bind(Ts(closed - chrono::Duration::minutes(1)))
                .bind(vote)
                .execute(&mut *tx)
                .await?;
            redate(&mut tx, &format!("vote/{vote}"), None, closed, |data| {
                if let Some(v) = data.get_mut("vote") {
                    v["eligibility_on"] = json!(day.to_string());
                }
            })
            .await?;
        }
        let approved: Option<Ts> = sqlx::query_scalar(
            "SELECT approved_at FROM minutes WHERE meeting_id = ? AND status = 'approved'",
        )
        .bind(meeting)
        .fetch_optional(&mut *tx)
        .await?
        .flatten();
        if let Some(approved) = approved {
            redate(
                &mut tx,
                &format!("meeting/{meeting}/minutes"),
                None,
                approved.0,
                |_| {},
            )
            .await?;
            let agreements: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM agreements WHERE meeting_id = ?")
                    .bind(meeting)
                    .fetch_all(&mut *tx)
                    .await?;
            for agreement in agreements {
                let reference = format!("agreement/{agreement}/opened");
                redate(&mut tx, &reference, None, approved.0, |_| {}).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Dates a decision not yet registered (and may rename its reference): its column and the
/// `decided_at` its evidence will carry; `tweak` adjusts the rest of its data.
pub(super) async fn redate(
    tx: &mut sqlx::SqliteConnection,
    reference: &str,
    renamed: Option<&str>,
    at: chrono::DateTime<Utc>,
    tweak: impl FnOnce(&mut serde_json::Value),
) -> AppResult<()> {
    let data: Option<String> =
        sqlx::query_scalar("SELECT data_json FROM decisions WHERE ref = ? AND evidence_id IS NULL")
            .bind(reference)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(data) = data else {
        return Ok(());
    };
    let mut data: serde_json::Value = serde_json::from_str(&data).map_err(AppError::internal)?;
    data["decided_at"] = json!(crate::domain::evidence::entry::format_time(at));
    tweak(&mut data);
    sqlx::query("UPDATE decisions SET decided_at = ?, data_json = ?, ref = ? WHERE ref = ?")
        .bind(Ts(at))
        .bind(data.to_string())
        .bind(renamed.unwrap_or(reference))
        .bind(reference)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
