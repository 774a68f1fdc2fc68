//! `/meetings/{id}/minutes`: the minutes of a meeting held. Its secretary drafts them (prefilled
//! with attendance, quorum, agenda and results), lists the agreements, circulates the draft and
//! registers the approval; the members read the circulated draft and comment or object; once
//! approved they are public, frozen, with their PDF (`/meetings/{id}/minutes.pdf`) and their
//! verified badge. `/agreements/{id}`: one agreement, closed there by the secretary.

use crate::components::TextArea;
use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, VerifiedBadge,
};
use crate::domain::minutes::{AgreementStatus, MinutesStatus};
use crate::i18n::{Tr, datetime, fill};
use crate::pages::meetings::{BodyNames, convened_by, convener, mail_state};
use crate::pages::refused_form;
use crate::services::mail;
use crate::services::meetings::{self, MeetingRow};
use crate::services::minutes::{self, AgreementForm, AgreementRow};
use crate::web::{CsrfForm, Ctx, NoFields, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use leptos::prelude::*;
use serde::Deserialize;

/// What was typed, kept when a form is refused.
#[derive(Clone, Debug, Default)]
struct Typed {
    text: Option<String>,
    agreement: AgreementForm,
    comment: String,
    objection: bool,
}

pub fn agreement_status(a: &AgreementRow, t: &'static Tr) -> &'static str {
    match a.status {
        AgreementStatus::Proposed => t.min_agreement_proposed,
        AgreementStatus::Done => t.min_agreement_done,
        AgreementStatus::Dropped => t.min_agreement_dropped,
        AgreementStatus::Open if a.overdue(Utc::now().date_naive()) => t.min_agreement_overdue,
        AgreementStatus::Open => t.min_agreement_open,
    }
}

pub fn minutes_status(status: Option<MinutesStatus>, t: &'static Tr) -> &'static str {
    match status {
        Some(MinutesStatus::Draft) => t.min_status_draft,
        Some(MinutesStatus::Circulated) => t.min_status_circulated,
        Some(MinutesStatus::Approved) => t.min_status_approved,
        None => t.min_status_none,
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render(
        &state,
        &ctx,
        id,
        Typed::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn after(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: Result<(), AppError>,
    typed: Typed,
    anchor: &str,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(redirect(&format!("/meetings/{id}/minutes{anchor}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(
                state,
                ctx,
                id,
                typed,
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TextForm {
    text: String,
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<TextForm>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = minutes::save(&state, &convener, id, &form.text, &ctx.actor()).await;
    let typed = Typed {
        text: Some(form.text),
        ..Typed::default()
    };
    after(&state, &ctx, id, r, typed, "#draft").await
}

pub async fn circulate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = minutes::circulate(&state, &convener, id, &ctx.actor())
        .await
        .map(|_| ());
    after(&state, &ctx, id, r, Typed::default(), "#circulation").await
}

pub async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = minutes::approve(&state, &convener, id, &ctx.actor()).await;
    after(&state, &ctx, id, r, Typed::default(), "").await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    comment: String,
    objection: String,
}

pub async fn comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let m = meetings::get(&state.db, id).await?;
    let mut conn = state.db.acquire().await?;
    if !minutes::is_member(&mut conn, &m, who.person_id()).await? {
        return Err(AppError::Forbidden);
    }
    drop(conn);
    let objection = !form.objection.is_empty();
    let r = minutes::comment(&state, id, &who, &form.comment, objection, &ctx.actor()).await;
    let typed = Typed {
        comment: form.comment,
        objection,
        ..Typed::default()
    };
    after(&state, &ctx, id, r, typed, "#comments").await
}

pub async fn add_agreement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AgreementForm>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = minutes::add_agreement(&state, &convener, id, &form, &ctx.actor())
        .await
        .map(|_| ());
    let typed = Typed {
        agreement: form,
        ..Typed::default()
    };
    after(&state, &ctx, id, r, typed, "#agreements").await
}

pub async fn remove_agreement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, agreement)): Path<(i64, i64)>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let r = minutes::remove_agreement(&state, &convener, id, agreement, &ctx.actor()).await;
    after(&state, &ctx, id, r, Typed::default(), "#agreements").await
}

/// The PDF of approved minutes (public).
pub async fn pdf(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let row = minutes::get(&state.db, id)
        .await?
        .filter(|n| n.status == MinutesStatus::Approved)
        .ok_or(AppError::NotFound)?;
    let bytes = minutes::pdf(&state, &row).await?;
    Ok(crate::web::inert(
        bytes,
        "application/pdf",
        &format!("acta-sesion-{id}.pdf"),
        "public, max-age=86400, immutable",
    ))
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApprovalItemForm {
    of: String,
}

/// Puts an earlier meeting's circulated minutes to the vote of this meeting (an agenda item).
pub async fn add_approval_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ApprovalItemForm>,
) -> Result<Response, AppError> {
    let convener = convener(&state, &ctx, id).await?;
    let of: i64 = form.of.trim().parse().unwrap_or_default();
    let r = minutes::add_approval_item(&state, &convener, id, of, &ctx.actor())
        .await
        .map(|_| ());
    crate::pages::meetings::after(&state, &ctx, id, r, "#agenda").await
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    typed: Typed,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let t = ctx.t();
    let m = meetings::get(&state.db, id).await?;
    let body = m.body().ok_or(AppError::NotFound)?;
    let row = minutes::get(&state.db, id).await?;
    let approved = row
        .as_ref()
        .is_some_and(|r| r.status == MinutesStatus::Approved);
    let is_convener = convened_by(state, &ctx).await?.contains(&body);
    let mut conn = state.db.acquire().await?;
    let is_member = match &ctx.user {
        Some(u) => minutes::is_member(&mut conn, &m, u.person_id).await?,
        None => false,
    };
    let seats = meetings::seats(&mut conn, &m).await?;
    drop(conn);
    // drafts are for the secretary; circulated minutes for the members too; approved, for all
    if !approved {
        ctx.require_user()?;
        let circulated = row
            .as_ref()
            .is_some_and(|r| r.status == MinutesStatus::Circulated);
        if !(is_convener || (is_member && circulated)) {
            return Err(AppError::Forbidden);
        }
    }
    let held = minutes::held(&state.db, id).await?;
    let body_text = BodyNames::load(&state.db).await?.name(Some(body), ctx.lang);
    let title = ctx.lang.pick(&m.title_es, &m.title_en);
    let agreements = minutes::agreements_of(&state.db, id).await?;
    let comments = minutes::comments(&state.db, id).await?;
    let evidence = match &row {
        Some(r) => minutes::evidence_of(&state.db, r.decision_id).await?,
        None => None,
    };
    let editable = is_convener && held.is_some() && !approved;
    let text_value = match (&typed.text, &row) {
        (Some(typed), _) => typed.clone(),
        (None, Some(r)) => r.text.clone(),
        (None, None) if editable => minutes::draft_for(state, &m, ctx.lang, &body_text).await?,
        (None, None) => String::new(),
    };
    let delivery = match (&row, is_convener) {
        (Some(r), true) => {
            mail::by_topic(&state.db, &format!("minutes/{id}/{}", r.revision)).await?
        }
        _ => Vec::new(),
    };
    let objections = row.as_ref().map_or(0, |r| {
        comments
            .iter()
            .filter(|c| c.objection && c.revision == r.revision)
            .count()
    });
    let until = row
        .as_ref()
        .and_then(|r| r.circulated_at)
        .map(|at| datetime(minutes::comments_until(at.0, &state.settings.meetings)));
    let owner_options: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(
            seats
                .iter()
                .map(|s| (s.person_id.to_string(), s.name.clone())),
        )
        .collect();
    let status_text = minutes_status(row.as_ref().map(|r| r.status), t);
    let approval_text = row.as_ref().filter(|_| approved).map(|r| {
        let at = r.approved_at.map(|a| datetime(a.0)).unwrap_or_default();
        if r.approved_how.as_deref() == Some("vote") {
            fill(t.min_approved_by_vote, &[("at", &at)])
        } else {
            fill(t.min_approved_by_rule, &[("at", &at)])
        }
    });
    let agreement_rows = agreements
        .iter()
        .map(|a| {
            let remove = (editable && a.status == AgreementStatus::Proposed).then(|| view! {
                <form method="post" action=format!("/meetings/{id}/minutes/agreements/{}/remove", a.id) class="inline-form">
                    <CsrfInput ctx=ctx.clone()/>
                    <button type="submit" class="button button-secondary">{t.min_remove}</button>
                </form>
            });
            view! {
                <tr>
                    <td>{if a.status != AgreementStatus::Proposed { view! { <a href=format!("/agreements/{}", a.id)>{a.text.clone()}</a> }.into_any() } else { a.text.clone().into_any() }}</td>
                    <td>{a.owner_name.clone()}</td>
                    <td>{a.due_on.to_string()}</td>
                    <td>{agreement_status(a, t)}</td>
                    {editable.then(|| view! { <td>{remove}</td> })}
                </tr>
            }
        })
        .collect_view();
    let comment_rows = comments
        .iter()
        .map(|c| view! {
            <li>
                <strong>{c.name.clone()}</strong>" · "{datetime(c.created_at.0)}" · "{fill(t.min_revision, &[("n", &c.revision)])}
                {c.objection.then(|| view! { " · "<span class="badge badge-pending">{t.min_objection}</span> })}
                <p class="prewrap">{c.text.clone()}</p>
            </li>
        })
        .collect_view();
    let delivery_rows = delivery
        .iter()
        .map(|d| view! { <li>{d.to_address.clone()}" — "{mail_state(&d.status, t)}</li> })
        .collect_view();
    // the members' comments on the drafts stay with the body (and its secretary)
    let has_comments = !comments.is_empty() && (is_convener || is_member);
    let has_agreements = !agreements.is_empty();
    let circulated = row
        .as_ref()
        .is_some_and(|r| r.status == MinutesStatus::Circulated);
    let saved = row.is_some();
    let revision = row.as_ref().map_or(1, |r| r.revision);
    let ever_circulated = row.as_ref().is_some_and(|r| r.circulated_at.is_some());
    let pdf_hash = row.as_ref().and_then(|r| r.pdf_sha256.clone());
    let show_text = !editable;
    let comment_days = state.settings.meetings.minutes_comment_days;
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.min_title>
                <p><a href=format!("/meetings/{id}")>{t.min_back}</a></p>
                <h1>{t.min_title}": "{title.clone()}</h1>
                <p class="meta">{body_text.clone()}" · "{m.local_span()}" · "<strong>{status_text}</strong></p>
                <ErrorSummary errors=errors.clone() t=t/>
                {approved.then(|| view! {
                    <section aria-labelledby="approved-h">
                        <h2 id="approved-h">{t.min_approved}</h2>
                        <p><VerifiedBadge evidence_id=evidence.clone() t=t/></p>
                        <p>{approval_text.clone()}</p>
                        <p><a href=format!("/meetings/{id}/minutes.pdf")>{t.min_pdf}</a>
                           " · SHA-256 "<code class="hash">{pdf_hash.clone()}</code></p>
                    </section>
                })}
                {(is_convener && held.is_none()).then(|| view! { <p class="notice-box" role="status">{t.min_not_held_yet}</p> })}
                {show_text.then(|| view! {
                    <section aria-labelledby="text-h">
                        <h2 id="text-h">{t.min_text}</h2>
                        <pre class="minutes-text">{text_value.clone()}</pre>
                    </section>
                })}
                {editable.then(|| view! {
                    <section id="draft" aria-labelledby="draft-h">
                        <h2 id="draft-h">{t.min_draft}</h2>
                        <p>{if saved { fill(t.min_revision, &[("n", &revision)]) } else { t.min_prefilled.to_string() }}</p>
                        <form method="post" action=format!("/meetings/{id}/minutes")>
                            <CsrfInput ctx=ctx.clone()/>
                            <TextArea label=t.min_text name="text" value=text_value.clone() error=errors.get("text") required=true/>
                            <button type="submit" class="button">{t.min_save}</button>
                        </form>
                    </section>
                })}
                <section id="agreements" aria-labelledby="agreements-h">
                    <h2 id="agreements-h">{t.min_agreements}</h2>
                    {(!has_agreements).then(|| view! { <p>{t.min_no_agreements}</p> })}
                    {has_agreements.then(|| view! {
                        <table>
                            <thead><tr>
                                <th scope="col">{t.min_agreement}</th>
                                <th scope="col">{t.min_owner}</th>
                                <th scope="col">{t.min_due}</th>
                                <th scope="col">{t.min_agreement_status}</th>
                                {editable.then(|| view! { <th scope="col"><span class="visually-hidden">{t.min_actions}</span></th> })}
                            </tr></thead>
                            <tbody>{agreement_rows}</tbody>
                        </table>
                    })}
                    {editable.then(|| view! {
                        <form method="post" action=format!("/meetings/{id}/minutes/agreements")>
                            <CsrfInput ctx=ctx.clone()/>
                            <fieldset>
                                <legend>{t.min_add_agreement}</legend>
                                <TextArea label=t.min_agreement name="agreement" value=typed.agreement.agreement.clone() error=errors.get("agreement") required=true/>
                                <SelectField label=t.min_owner name="owner" options=owner_options.clone() selected=typed.agreement.owner.clone() error=errors.get("owner")/>
                                <Field label=t.min_due name="due_on" kind="date" value=typed.agreement.due_on.clone() error=errors.get("due_on") required=true/>
                            </fieldset>
                            <button type="submit" class="button button-secondary">{t.min_add_agreement}</button>
                        </form>
                    })}
                </section>
                {(editable && saved).then(|| view! {
                    <section id="circulation" aria-labelledby="circulation-h">
                        <h2 id="circulation-h">{t.min_circulation}</h2>
                        {circulated.then(|| view! {
                            <p>{fill(t.min_circulated_until, &[("until", &until.clone().unwrap_or_default()), ("count", &objections)])}</p>
                        })}
                        {(!circulated).then(|| view! {
                            <form method="post" action=format!("/meetings/{id}/minutes/circulate")>
                                <CsrfInput ctx=ctx.clone()/>
                                <p>{if ever_circulated { fill(t.min_circulate_revision, &[("n", &revision)]) } else { t.min_circulate_help.to_string() }}</p>
                                <button type="submit" class="button">{t.min_circulate}</button>
                            </form>
                        })}
                        <ul>{delivery_rows}</ul>
                    </section>
                })}
                {(editable && circulated).then(|| view! {
                    <section id="approval" aria-labelledby="approval-h">
                        <h2 id="approval-h">{t.min_approval}</h2>
                        <p>{fill(t.min_approval_help, &[("days", &comment_days)])}</p>
                        <form method="post" action=format!("/meetings/{id}/minutes/approve")>
                            <CsrfInput ctx=ctx.clone()/>
                            <button type="submit" class="button">{t.min_approve}</button>
                        </form>
                    </section>
                })}
                {(has_comments || (circulated && is_member)).then(|| view! {
                    <section id="comments" aria-labelledby="comments-h">
                        <h2 id="comments-h">{t.min_comments}</h2>
                        <ul>{comment_rows}</ul>
                        {(circulated && is_member).then(|| view! {
                            <form method="post" action=format!("/meetings/{id}/minutes/comments")>
                                <CsrfInput ctx=ctx.clone()/>
                                <TextArea label=t.min_comment name="comment" value=typed.comment.clone() error=errors.get("comment") required=true/>
                                <div class="field checkbox">
                                    <input type="checkbox" id="objection" name="objection" value="1" checked=typed.objection/>
                                    <label for="objection">{t.min_object}</label>
                                </div>
                                <button type="submit" class="button">{t.min_send_comment}</button>
                            </form>
                        })}
                    </section>
                })}
            </Layout>
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// One agreement

pub async fn agreement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render_agreement(
        &state,
        &ctx,
        id,
        CloseForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CloseForm {
    outcome: String,
    note: String,
}

pub async fn close_agreement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CloseForm>,
) -> Result<Response, AppError> {
    let a = minutes::agreement(&state.db, id).await?;
    let convener = convener(&state, &ctx, a.meeting_id).await?;
    match minutes::close_agreement(
        &state,
        &convener,
        id,
        &form.outcome,
        &form.note,
        &ctx.actor(),
    )
    .await
    {
        Ok(()) => Ok(redirect(&format!("/agreements/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_agreement(
                &state,
                &ctx,
                id,
                form,
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

async fn render_agreement(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    typed: CloseForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let t = ctx.t();
    let a = minutes::agreement(&state.db, id).await?;
    let m: MeetingRow = meetings::get(&state.db, a.meeting_id).await?;
    let body = m.body().ok_or(AppError::NotFound)?;
    let is_convener = convened_by(state, &ctx).await?.contains(&body);
    if a.status == AgreementStatus::Proposed && !is_convener {
        return Err(AppError::NotFound);
    }
    let decisions: Vec<(Option<String>, String)> =
        sqlx::query_as("SELECT evidence_id, event FROM decisions WHERE ref IN (?, ?) ORDER BY id")
            .bind(format!("agreement/{id}/opened"))
            .bind(format!("agreement/{id}/closed"))
            .fetch_all(&state.db)
            .await?;
    let badges = decisions
        .into_iter()
        .map(|(e, event)| {
            let label = if event == "agreement-closed" {
                t.min_closed_decision
            } else {
                t.min_opened_decision
            };
            view! { <li>{label}" "<VerifiedBadge evidence_id=e t=t/></li> }
        })
        .collect_view();
    let outcomes = vec![
        (String::new(), "—".to_string()),
        ("done".to_string(), t.min_agreement_done.to_string()),
        ("dropped".to_string(), t.min_agreement_dropped.to_string()),
    ];
    let can_close = is_convener && a.status == AgreementStatus::Open;
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.min_agreement>
                <p><a href=format!("/meetings/{}/minutes", a.meeting_id)>{t.min_back_minutes}</a></p>
                <h1>{t.min_agreement}" n.º "{a.id}</h1>
                <ErrorSummary errors=errors.clone() t=t/>
                <p class="prewrap">{a.text.clone()}</p>
                <dl>
                    <dt>{t.min_meeting}</dt><dd>{ctx.lang.pick(&m.title_es, &m.title_en)}" · "{m.local_span()}</dd>
                    <dt>{t.min_owner}</dt><dd>{a.owner_name.clone()}</dd>
                    <dt>{t.min_due}</dt><dd>{a.due_on.to_string()}</dd>
                    <dt>{t.min_agreement_status}</dt><dd>{agreement_status(&a, t)}</dd>
                    {a.closed_at.map(|c| view! { <dt>{t.min_closed_at}</dt><dd>{datetime(c.0)}</dd> })}
                    {(!a.closing_note.is_empty()).then(|| view! { <dt>{t.min_note}</dt><dd class="prewrap">{a.closing_note.clone()}</dd> })}
                </dl>
                <ul>{badges}</ul>
                {can_close.then(|| view! {
                    <form method="post" action=format!("/agreements/{id}/close")>
                        <CsrfInput ctx=ctx.clone()/>
                        <fieldset>
                            <legend>{t.min_close_agreement}</legend>
                            <SelectField label=t.min_outcome name="outcome" options=outcomes.clone() selected=typed.outcome.clone() error=errors.get("outcome")/>
                            <TextArea label=t.min_note name="note" value=typed.note.clone() error=errors.get("note")/>
                        </fieldset>
                        <button type="submit" class="button">{t.min_close_agreement}</button>
                    </form>
                })}
            </Layout>
        },
    ))
}
