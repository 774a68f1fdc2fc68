//! `/meetings`: the public meetings calendar (upcoming and past) and its iCalendar feeds;
//! `/meetings/new` and `/meetings/{id}/edit`: scheduling a meeting and editing its draft (the
//! bodies one convenes); `/meetings/{id}`: the meeting — agenda, day, time, place and link —
//! with, for its convener, the agenda editor, the convocation (or why it can no longer be sent)
//! and each recipient's delivery state, the attendance and the session on its day; for members,
//! their answer; `/meetings/dashboard`: the secretary's dashboard.

mod actions;
mod dashboard;
mod documents;
mod form;
mod list;
mod show;

pub use actions::{
    add_item, answer, cancel, close_session, convene, move_item, open_session, open_vote,
    record_presence, record_votes, remove_item, revise,
};
pub use dashboard::dashboard;
pub use documents::{attach, attachment};
pub use form::{create, edit, new, update};
pub use list::{atom, feed, invite_ics, list};
pub use show::show;

use crate::domain::meetings::{Body, MeetingStatus};
use crate::i18n::{Lang, Tr};
use crate::pages::refused_form;
use crate::services::authority::Convener;
use crate::services::{meetings, network};
use crate::web::{Ctx, redirect};
use crate::{AppError, AppState};
use axum::response::Response;
use sqlx::SqlitePool;
use std::collections::HashMap;

/// The names of every body, read once for a page (no query per meeting).
pub(crate) struct BodyNames {
    collectives: HashMap<i64, (String, String)>,
}

impl BodyNames {
    pub async fn load(db: &SqlitePool) -> Result<BodyNames, AppError> {
        Ok(BodyNames {
            collectives: network::collective_choices(db)
                .await?
                .into_iter()
                .map(|(id, es, en)| (id, (es, en)))
                .collect(),
        })
    }

    pub fn name(&self, body: Option<Body>, lang: Lang) -> String {
        let t = lang.tr();
        match body {
            Some(Body::ExecutiveCouncil) => t.body_executive_council.to_string(),
            Some(Body::AdvisoryCouncil) => t.body_advisory_council.to_string(),
            Some(Body::Collective(id)) => self
                .collectives
                .get(&id)
                .map(|(es, en)| lang.pick(es, en))
                .unwrap_or_default(),
            None => String::new(),
        }
    }

    pub fn exists(&self, body: Body) -> bool {
        match body {
            Body::Collective(id) => self.collectives.contains_key(&id),
            _ => true,
        }
    }
}

/// The bodies whose meetings the visitor convenes.
pub(crate) async fn convened_by(state: &AppState, ctx: &Ctx) -> Result<Vec<Body>, AppError> {
    Ok(match &ctx.user {
        Some(u) => meetings::convened_by(&state.db, u.person_id, &u.roles).await?,
        None => Vec::new(),
    })
}

/// A queued message's delivery state.
pub(crate) fn mail_state(status: &str, t: &'static Tr) -> &'static str {
    match status {
        "sent" => t.mtg_mail_sent,
        "failed" => t.mtg_mail_failed,
        _ => t.mtg_mail_queued,
    }
}

pub(crate) fn status_name(status: MeetingStatus, t: &'static Tr) -> &'static str {
    match status {
        MeetingStatus::Draft => t.mtg_status_draft,
        MeetingStatus::Convened => t.mtg_status_convened,
        MeetingStatus::Held => t.mtg_status_held,
        MeetingStatus::Cancelled => t.mtg_status_cancelled,
    }
}

/// Proof that the user convenes the meetings of meeting `id`'s body.
pub(crate) async fn convener(state: &AppState, ctx: &Ctx, id: i64) -> Result<Convener, AppError> {
    let m = meetings::get(&state.db, id).await?;
    let body = m.body().ok_or(AppError::NotFound)?;
    Convener::of(&state.db, ctx.user.as_ref(), body).await
}

/// To the meeting's page (at `anchor`) after a change, or the page again with the refusal.
pub(crate) async fn after(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: Result<(), AppError>,
    anchor: &str,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(redirect(&format!("/meetings/{id}{anchor}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let page = show::load(state, ctx, id).await?;
            Ok(refused.finish(show::render(
                ctx,
                &page,
                refused.errors.clone(),
                refused.status,
            )))
        }
    }
}

/// "1.2 MB", "340 KB", "12 B".
pub(crate) fn format_size(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}
