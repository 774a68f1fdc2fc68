//! The meeting page's forms: the agenda (add, move, remove), the convocation and its revisions,
//! the cancellation, a member's answer, and the session (attendance, opening, motions, closing).
//! Each takes its proof from the services and answers on the meeting's page.

use super::{after, convener};
use crate::services::meetings::{self, Move};
use crate::web::{CsrfForm, CsrfPairs, Ctx, NoFields};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ItemForm {
    pub title: String,
    pub presenter: String,
    pub motion: String,
}

pub async fn add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ItemForm>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = meetings::add_item(
        &state,
        &convener,
        id,
        &form.title,
        &form.presenter,
        &form.motion,
        &ctx.actor(),
    )
    .await
    .map(|_| ());
    after(&state, &ctx, id, r, "#agenda").await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    to: String,
}

pub async fn move_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let to = Move::parse(&form.to).ok_or(AppError::NotFound)?;
    let r = meetings::move_item(&state, &convener, id, item, to, &ctx.actor()).await;
    after(&state, &ctx, id, r, &format!("#item-{item}")).await
}

pub async fn remove_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(i64, i64)>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = meetings::remove_item(&state, &convener, id, item, &ctx.actor()).await;
    after(&state, &ctx, id, r, "#agenda").await
}

pub async fn convene(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = meetings::convene(&state, &convener, id, &ctx.actor())
        .await
        .map(|_| ());
    after(&state, &ctx, id, r, "#delivery").await
}

pub async fn revise(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = meetings::send_revision(&state, &convener, id, &ctx.actor())
        .await
        .map(|_| ());
    after(&state, &ctx, id, r, "#delivery").await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CancelForm {
    reason: String,
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CancelForm>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = meetings::cancel(&state, &convener, id, &form.reason, &ctx.actor()).await;
    after(&state, &ctx, id, r, "").await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    answer: String,
    proxy: String,
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let r = meetings::answer(&state, id, &who, &form.answer, &form.proxy, &ctx.actor()).await;
    after(&state, &ctx, id, r, "#answer").await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PresenceForm {
    person: String,
    presence: String,
    proxy: String,
}

pub async fn record_presence(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PresenceForm>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let person: i64 = form.person.parse().map_err(|_| AppError::NotFound)?;
    let r = meetings::record_presence(
        &state,
        &convener,
        id,
        person,
        &form.presence,
        &form.proxy,
        &ctx.actor(),
    )
    .await;
    after(&state, &ctx, id, r, "#attendance").await
}

pub async fn open_session(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = meetings::open_session(&state, &convener, id, &ctx.actor()).await;
    after(&state, &ctx, id, r, "#quorum").await
}

pub async fn close_session(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = meetings::close_session(&state, &convener, id, &ctx.actor()).await;
    after(&state, &ctx, id, r, "#status").await
}

pub async fn open_vote(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(i64, i64)>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = meetings::open_vote(&state, &convener, id, item, &ctx.actor())
        .await
        .map(|_| ());
    after(&state, &ctx, id, r, &format!("#item-{item}")).await
}

pub async fn record_votes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, vote)): Path<(i64, i64)>,
    pairs: CsrfPairs,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let choices: Vec<(i64, String)> = pairs
        .0
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("seat_")?.parse().ok()?, v.clone())))
        .collect();
    let r = meetings::record_votes(&state, &convener, id, vote, &choices, &ctx.actor())
        .await
        .map(|_| ());
    after(&state, &ctx, id, r, "#agenda").await
}
