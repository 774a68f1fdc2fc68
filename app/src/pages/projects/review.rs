//! `/projects/applications`: the applications under way one may see; `/projects/applications/{id}`:
//! one application — what it says, its plan, the signed commitment, the commission's scores and
//! the weighted score, the history — with what the one reading may do: the leaders select or
//! return it, each commission seat scores it, the Executive Secretary puts it on a Council
//! meeting's agenda, the applicant withdraws it or sends a returned one again.

use super::plan_view;
use crate::components::{
    CsrfInput, ErrorSummary, FormErrors, Layout, SelectField, TextArea, VerifiedBadge,
};
use crate::domain::meetings::Body;
use crate::domain::projects::ProjectStatus;
use crate::domain::roles::Role;
use crate::i18n::{datetime, fill};
use crate::pages::refused_form;
use crate::services::authority::{Convener, ProjectEvaluator, Steward};
use crate::services::projects::{self, ProjectRow, review, status_name};
use crate::services::seats;
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;

fn sees_all(ctx: &Ctx) -> bool {
    [
        Role::ProjectsCommission,
        Role::ExecutiveSecretary,
        Role::Administrator,
    ]
    .iter()
    .any(|r| ctx.is(*r))
}

/// The application, if the reader may see it: its applicant, its collective's leaders, the
/// projects commission, the Executive Secretary, an administrator. Anyone else: not found.
async fn readable(state: &AppState, ctx: &Ctx, id: i64) -> Result<ProjectRow, AppError> {
    let user = ctx.require_user()?;
    let p = projects::get(&state.db, id).await?;
    if p.person_id == user.person_id
        || sees_all(ctx)
        || seats::leads(&state.db, user.person_id, p.collective_id).await?
    {
        Ok(p)
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let t = ctx.t();
    let lang = ctx.lang;
    let mut rows = projects::applications(&state.db, None).await?;
    if !sees_all(&ctx) {
        let mut mine = Vec::new();
        for p in rows {
            if p.person_id == user.person_id
                || seats::leads(&state.db, user.person_id, p.collective_id).await?
            {
                mine.push(p);
            }
        }
        rows = mine;
    }
    let own = projects::applications(&state.db, Some(user.person_id)).await?;
    let items = rows
        .iter()
        .map(|p| {
            view! {
                <tr>
                    <td><a href=format!("/projects/applications/{}", p.id)>{p.title.clone()}</a></td>
                    <td>{p.collective(lang)}</td>
                    <td>{p.entity()}</td>
                    <td>{status_name(p.status(), t)}</td>
                </tr>
            }
        })
        .collect_view();
    let own_items = own
        .iter()
        .map(|p| {
            let href = if p.status().public() {
                format!("/projects/{}", p.id)
            } else {
                format!("/projects/applications/{}", p.id)
            };
            view! { <li><a href=href>{p.title.clone()}</a>" — "{status_name(p.status(), t)}</li> }
        })
        .collect_view();
    let empty = rows.is_empty();
    let has_own = !own.is_empty();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.project_applications_title>
                <p><a href="/projects">{t.project_list_title}</a></p>
                <h1>{t.project_applications_title}</h1>
                <p><a class="button" href="/projects/new">{t.project_apply}</a></p>
                {has_own.then(|| view! { <h2>{t.project_mine}</h2><ul>{own_items}</ul> })}
                <h2>{t.project_under_way}</h2>
                {if empty {
                    view! { <p>{t.project_applications_empty}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" role="region" aria-label=t.project_applications_title tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.project_col_title}</th>
                                    <th scope="col">{t.node_col_collective}</th>
                                    <th scope="col">{t.project_col_entity}</th>
                                    <th scope="col">{t.project_col_status}</th>
                                </tr></thead>
                                <tbody>{items}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </Layout>
        },
    ))
}

/// What was typed in one of the page's forms, kept when it is refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    decision: String,
    reason: String,
    meeting: String,
    #[serde(flatten)]
    scores: BTreeMap<String, String>,
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
        &ReviewForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn refused(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    form: &ReviewForm,
    e: AppError,
) -> Result<Response, AppError> {
    let refused = refused_form(e, ctx.t())?;
    render(state, ctx, id, form, refused.errors.clone(), refused.status)
        .await
        .map(|r| refused.finish(r))
}

pub async fn leaders(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, AppError> {
    let p = projects::get(&state.db, id).await?;
    let steward = Steward::of(&state.db, ctx.user.as_ref(), p.collective_id).await?;
    let done = if form.decision == "return" {
        review::return_to_applicant(&state, &steward, id, &form.reason, &ctx.actor()).await
    } else {
        review::select(&state, &steward, id, &ctx.actor()).await
    };
    match done {
        Ok(()) => Ok(redirect(&format!("/projects/applications/{id}"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn score(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, AppError> {
    let evaluator = ProjectEvaluator::check(ctx.user.as_ref())?;
    match review::score(&state, &evaluator, id, &form.scores, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/projects/applications/{id}"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn agenda(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, AppError> {
    let convener = Convener::of(&state.db, ctx.user.as_ref(), Body::ExecutiveCouncil).await?;
    let meeting = form.meeting.trim().parse::<i64>().unwrap_or(0);
    match review::put_on_agenda(&state, &convener, id, meeting, &ctx.actor()).await {
        Ok(_) => Ok(redirect(&format!("/meetings/{meeting}"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match review::withdraw(&state, &who, id, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/projects/applications/{id}"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

pub async fn resubmit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match review::resubmit(&state, &who, id, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/projects/applications/{id}"))),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

/// The signed commitment, downloaded (never shown inside the portal). Public once the project
/// is: it is part of what the entity promised.
pub async fn commitment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = projects::get(&state.db, id).await?;
    let p = if p.status().public() {
        p
    } else {
        readable(&state, &ctx, id).await?
    };
    crate::pages::stored_pdf(
        &state,
        p.commitment_sha256.as_deref(),
        p.commitment_filename.as_deref().unwrap_or("compromiso.pdf"),
    )
    .await
}

/// The commission's scores, by seat: each criterion's score and justification.
pub fn scores_view(
    scores: &[review::ScoreRow],
    criteria: &[crate::domain::projects::Criterion],
    weighted: Option<f64>,
    lang: crate::i18n::Lang,
    t: &'static crate::i18n::Tr,
) -> AnyView {
    if scores.is_empty() {
        return view! { <p>{t.project_no_scores}</p> }.into_any();
    }
    let mut by_seat: BTreeMap<(String, i64), Vec<&review::ScoreRow>> = BTreeMap::new();
    for s in scores {
        by_seat
            .entry((s.evaluator.clone(), s.person_id))
            .or_default()
            .push(s);
    }
    let seats = by_seat
        .into_iter()
        .map(|((name, _), rows)| {
            let items = criteria
                .iter()
                .filter_map(|c| {
                    let s = rows.iter().find(|r| r.criterion == c.key)?;
                    Some(view! {
                        <li><strong>{lang.pick(&c.name_es, &c.name_en)}</strong>" ("{fill(t.project_weight, &[("w", &c.weight)])}"): "{s.score}"/5"
                            <p class="prewrap">{s.justification.clone()}</p></li>
                    })
                })
                .collect_view();
            view! { <h3>{name}</h3><ul>{items}</ul> }
        })
        .collect_view();
    view! {
        <p><strong>{t.project_weighted_score}": "</strong>{weighted.map_or_else(|| "—".to_string(), |w| format!("{w:.2} / 5"))}</p>
        <p class="hint">{t.project_weighted_hint}</p>
        {seats}
    }
    .into_any()
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    form: &ReviewForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let p = readable(state, ctx, id).await?;
    let user = ctx.require_user()?.clone();
    let t = ctx.t();
    let lang = ctx.lang;
    let sent = ctx.path.contains("sent=1");
    let criteria = projects::criteria_of(&state.db, &p).await?;
    let scores = review::scores(&state.db, id).await?;
    let weighted = review::weighted(&state.db, &p).await?;
    let history = review::history(&state.db, id).await?;
    let missing = review::seats_missing(state, &p).await?;
    let is_applicant = p.person_id == user.person_id;
    let leads = user.has(Role::ExecutiveSecretary)
        || user.has(Role::Administrator)
        || seats::leads(&state.db, user.person_id, p.collective_id).await?;
    let seat = ProjectEvaluator::would_allow(ctx.user.as_ref());
    let secretary = user.has(Role::ExecutiveSecretary);
    let st = p.status();
    let steps = history
        .into_iter()
        .map(|s| {
            view! {
                <li>
                    {datetime(s.at.0)}" — "{super::show::step_label(&s.step, t)}" ("{s.actor_label.clone()}")"
                    {(!s.reason.is_empty()).then(|| view! { <p class="prewrap">{s.reason.clone()}</p> })}" "
                    {s.evidence_id.clone().map(|e| view! { <VerifiedBadge evidence_id=Some(e) t=t/> })}
                </li>
            }
        })
        .collect_view();
    let leaders_form = (leads && st == ProjectStatus::Submitted).then(|| view! {
        <section aria-labelledby="leaders-title" class="narrow">
            <h2 id="leaders-title">{t.project_select_title}</h2>
            <form method="post" action=format!("/projects/applications/{id}/leaders") novalidate>
                <CsrfInput ctx=ctx.clone()/>
                <TextArea label=t.project_return_reason name="reason" value=form.reason.clone() error=errors.get("reason") rows=3/>
                <button type="submit" name="decision" value="select" class="button">{t.project_select}</button>" "
                <button type="submit" name="decision" value="return" class="button button-secondary">{t.node_return}</button>
            </form>
        </section>
    });
    let mine: Vec<&review::ScoreRow> = scores
        .iter()
        .filter(|s| s.person_id == user.person_id)
        .collect();
    let score_form = (seat && st == ProjectStatus::InEvaluation).then(|| {
        let fields = criteria
            .iter()
            .map(|c| {
                let kept = mine.iter().find(|s| s.criterion == c.key);
                let score_name = format!("score_{}", c.key);
                let why_name = format!("why_{}", c.key);
                let typed_score = form
                    .scores
                    .get(&score_name)
                    .cloned()
                    .or_else(|| kept.map(|s| s.score.to_string()))
                    .unwrap_or_default();
                let typed_why = form
                    .scores
                    .get(&why_name)
                    .cloned()
                    .or_else(|| kept.map(|s| s.justification.clone()))
                    .unwrap_or_default();
                let error = errors.get(&score_name);
                let options = (0..=5u8)
                    .map(|n| {
                        let v = n.to_string();
                        let selected = v == typed_score;
                        view! { <option value=v.clone() selected=selected>{v.clone()}</option> }
                    })
                    .collect_view();
                view! {
                    <fieldset class=if error.is_some() { "field-invalid" } else { "" } id=score_name.clone()>
                        <legend>{lang.pick(&c.name_es, &c.name_en)}" ("{fill(t.project_weight, &[("w", &c.weight)])}")"</legend>
                        {error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                        <div class="field">
                            <label for=format!("{score_name}-select")>{t.project_score}</label>
                            <select id=format!("{score_name}-select") name=score_name.clone()>
                                <option value="">{t.node_request_choose}</option>
                                {options}
                            </select>
                        </div>
                        <div class="field">
                            <label for=why_name.clone()>{t.project_justification}</label>
                            <textarea id=why_name.clone() name=why_name rows="3" inner_html=crate::components::textarea_html(&typed_why)></textarea>
                        </div>
                    </fieldset>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="score-title" class="narrow">
                <h2 id="score-title">{t.project_score_title}</h2>
                <p class="hint">{t.project_score_hint}</p>
                <form method="post" action=format!("/projects/applications/{id}/scores") novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    {fields}
                    <button type="submit" class="button">{t.project_score_submit}</button>
                </form>
            </section>
        }
    });
    let agenda_form = if secretary && st == ProjectStatus::InEvaluation {
        let meetings: Vec<(String, String)> =
            std::iter::once((String::new(), t.node_request_choose.to_string()))
                .chain(
                    crate::services::meetings::council_meetings_open(&state.db)
                        .await?
                        .into_iter()
                        .map(|(mid, title, _, at)| {
                            (mid.to_string(), format!("{title} — {}", datetime(at.0)))
                        }),
                )
                .collect();
        Some(view! {
            <section aria-labelledby="agenda-title" class="narrow">
                <h2 id="agenda-title">{t.project_agenda_title}</h2>
                <p class="hint">{t.project_agenda_hint}</p>
                <form method="post" action=format!("/projects/applications/{id}/agenda") novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <SelectField label=t.project_agenda_meeting name="meeting" options=meetings selected=form.meeting.clone() error=errors.get("meeting")/>
                    <button type="submit" class="button">{t.project_agenda_submit}</button>
                </form>
            </section>
        })
    } else {
        None
    };
    let applicant_forms =
        is_applicant.then(|| {
            let withdraw = matches!(
            st,
            ProjectStatus::Submitted | ProjectStatus::Returned | ProjectStatus::InEvaluation
        )
        .then(|| view! {
            <form method="post" action=format!("/projects/applications/{id}/withdraw")>
                <CsrfInput ctx=ctx.clone()/>
                <button type="submit" class="button button-secondary">{t.node_withdraw}</button>
            </form>
        });
            let resubmit = (st == ProjectStatus::Returned).then(|| {
                view! {
                    <form method="post" action=format!("/projects/applications/{id}/resubmit")>
                        <CsrfInput ctx=ctx.clone()/>
                        <button type="submit" class="button">{t.project_resubmit}</button>
                    </form>
                }
            });
            view! { {resubmit}{withdraw} }
        });
    let commitment = p.commitment_sha256.clone().map(|hash| {
        view! {
            <p><a href=format!("/projects/applications/{id}/commitment")>{fill(t.project_commitment_download, &[("name", &p.commitment_filename.clone().unwrap_or_default()), ("head", &p.commitment_head)])}</a></p>
            <p class="hint">"SHA-256 "<code>{hash}</code></p>
        }
    });
    let public_link = st
        .public()
        .then(|| view! { <p><a href=format!("/projects/{id}")>{t.project_public_page}</a></p> });
    let missing_line = (st == ProjectStatus::InEvaluation && !missing.is_empty()).then(|| {
        let names = missing.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join(", ");
        view! { <p>{t.project_problem_scores_missing.fill(missing.len() as i64, &[])}" ("{names}")"</p> }
    });
    let plan = p.plan();
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=p.title.clone()>
                <p><a href="/projects/applications">{t.project_applications_title}</a></p>
                <h1>{p.title.clone()}</h1>
                {sent.then(|| view! { <div class="notice" role="status">{t.project_sent}</div> })}
                <ErrorSummary errors=errors.clone() t=t/>
                {public_link}
                {facts_view(&p, lang, t)}
                {commitment}
                <h2>{t.project_plan_title}</h2>
                {plan_view(&plan, None, t)}
                <h2>{t.project_scores_title}</h2>
                {scores_view(&scores, &criteria, weighted, lang, t)}
                {missing_line}
                {leaders_form}
                {score_form}
                {agenda_form}
                {applicant_forms}
                <h2>{t.node_show_history}</h2>
                <ol>{steps}</ol>
            </Layout>
        },
    ))
}

/// What the application says.
pub fn facts_view(p: &ProjectRow, lang: crate::i18n::Lang, t: &'static crate::i18n::Tr) -> AnyView {
    view! {
        <dl class="facts">
            <dt>{t.project_col_status}</dt><dd>{status_name(p.status(), t)}</dd>
            {(!p.reason.is_empty()).then(|| view! { <dt>{t.node_show_reason}</dt><dd class="prewrap">{p.reason.clone()}</dd> })}
            <dt>{t.project_col_entity}</dt><dd>{p.entity()}{p.public_body.then(|| format!(" ({})", t.project_public_body_short))}</dd>
            <dt>{t.node_show_applicant}</dt><dd>{p.applicant.clone()}</dd>
            <dt>{t.node_col_collective}</dt><dd><a href=format!("/collectives/{}", p.collective_slug)>{p.collective(lang)}</a></dd>
            <dt>{t.project_problem}</dt><dd class="prewrap">{p.problem.clone()}</dd>
            <dt>{t.project_public_value}</dt><dd class="prewrap">{p.public_value.clone()}</dd>
            <dt>{t.project_beneficiaries}</dt><dd class="prewrap">{p.beneficiaries.clone()}</dd>
            <dt>{t.project_licence}</dt><dd>{p.licence.clone()}</dd>
            <dt>{t.project_repository}</dt><dd><a href=p.repository.clone() rel="nofollow noopener">{p.repository.clone()}</a></dd>
            {(!p.open_data.is_empty()).then(|| view! { <dt>{t.project_open_data}</dt><dd class="prewrap">{p.open_data.clone()}</dd> })}
            <dt>{t.project_team}</dt><dd class="prewrap">{p.team.clone()}</dd>
            {(!p.partner.is_empty()).then(|| view! { <dt>{t.project_partner}</dt><dd class="prewrap">{p.partner.clone()}</dd> })}
            <dt>{t.project_requested}</dt>
            <dd>{fill(t.project_requested_line, &[("nodes", &p.requested_nodes), ("capital", &p.requested_capital)])}
                {(!p.requested_support.is_empty()).then(|| view! { <p class="prewrap">{p.requested_support.clone()}</p> })}</dd>
        </dl>
    }
    .into_any()
}
