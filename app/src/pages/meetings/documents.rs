//! The documents of a meeting's agenda: attached by its convener, read by the body's members
//! and its convener (a draft's by its convener only), served inert.

use super::{after, convened_by, convener};
use crate::domain::meetings::MeetingStatus;
use crate::services::meetings;
use crate::web::{Ctx, Upload, read_uploads};
use crate::{AppError, AppState};
use axum::extract::{Multipart, Path, State};
use axum::response::Response;

/// Attaches a document to an agenda item (a multipart form: the token, then the file).
pub async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(i64, i64)>,
    mp: Multipart,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let parts = read_uploads(&ctx, mp, meetings::MAX_ATTACHMENT_BYTES as u64).await?;
    let file = parts.iter().find_map(|p| match p {
        Upload::File {
            name,
            filename,
            content_type,
            bytes,
        } if name == "attachment" => {
            Some((filename.as_str(), content_type.as_str(), bytes.as_slice()))
        }
        _ => None,
    });
    let r = meetings::attach(&state, &convener, id, item, file, &ctx.actor())
        .await
        .map(|_| ());
    after(&state, &ctx, id, r, &format!("#item-{item}")).await
}

/// An agenda item's document, for the body's members and its convener.
pub async fn attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let m = meetings::get(&state.db, id).await?;
    let body = m.body().ok_or(AppError::NotFound)?;
    let convener = convened_by(&state, &ctx).await?.contains(&body);
    // a draft is seen by who convenes it only: its documents too (the page itself is a 404)
    if m.status == MeetingStatus::Draft && !convener {
        return Err(AppError::NotFound);
    }
    let member = {
        let mut conn = state.db.acquire().await?;
        crate::services::minutes::is_member(&mut conn, &m, user.person_id).await?
    };
    if !(member || convener) {
        return Err(AppError::Forbidden);
    }
    let (a, bytes) = meetings::attachment(&state, id, attachment).await?;
    Ok(crate::web::inert(
        bytes,
        &a.media_type,
        &a.filename,
        "private, no-store",
    ))
}
