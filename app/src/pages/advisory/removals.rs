//! `/advisory/removals`: every removal of an Advisory Council member proposed to the Executive
//! Council — the member, the reason, the meeting that votes it, where it stands and the decision
//! that ended the seat — and, for the Executive Secretary, the form that proposes one as an item
//! of a Council meeting.

use crate::components::{CsrfInput, ErrorSummary, FormErrors, Layout, SelectField, TextArea};
use crate::components::{Notice, VerifiedBadge};
use crate::domain::advisory::RemovalStatus;
use crate::domain::meetings::Body;
use crate::domain::roles::Role;
use crate::i18n::{Lang, Tr, fill};
use crate::pages::refused_form;
use crate::services::advisory::removal::{self, RemovalRow};
use crate::services::authority::Convener;
use crate::services::seats;
use crate::web::{CsrfForm, Ctx, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use leptos::prelude::*;
use serde::Deserialize;

/// What was typed in the proposal form, kept when it is refused; `office` also preselects the
/// member from the councils page.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RemovalForm {
    office: String,
    meeting: String,
    reason: String,
}

/// The page's query: the member to preselect, and whether a proposal was just recorded.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RemovalsQuery {
    office: String,
    ok: String,
}

fn status_text(status: RemovalStatus, t: &'static Tr) -> &'static str {
    match status {
        RemovalStatus::Proposed => t.adv_removal_status_proposed,
        RemovalStatus::Removed => t.adv_removal_status_removed,
        RemovalStatus::Kept => t.adv_removal_status_kept,
        RemovalStatus::Lapsed => t.adv_removal_status_lapsed,
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RemovalsQuery>,
) -> Result<Response, AppError> {
    let typed = RemovalForm {
        office: q.office,
        ..RemovalForm::default()
    };
    let notice = (q.ok == "proposed").then_some(ctx.t().adv_removal_proposed);
    render(
        &state,
        &ctx,
        &typed,
        FormErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn propose(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<RemovalForm>,
) -> Result<Response, AppError> {
    let convener = Convener::of(&state.db, ctx.user.as_ref(), Body::ExecutiveCouncil).await?;
    let (office, meeting) = (form.office.parse::<i64>(), form.meeting.parse::<i64>());
    let result = match (office, meeting) {
        (Ok(office), Ok(meeting)) => {
            removal::propose(
                &state,
                &convener,
                office,
                meeting,
                &form.reason,
                &ctx.actor(),
            )
            .await
        }
        (Err(_), _) => {
            Err(crate::error::Invalid::one("office", removal::RemovalProblem::NotASeat).into())
        }
        (_, Err(_)) => Err(crate::error::Invalid::one(
            "meeting",
            removal::RemovalProblem::MeetingUnsuitable,
        )
        .into()),
    };
    match result {
        Ok(id) => Ok(redirect(&format!(
            "/advisory/removals?ok=proposed#removal-{id}"
        ))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(
                &state,
                &ctx,
                &form,
                refused.errors.clone(),
                None,
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    typed: &RemovalForm,
    errors: FormErrors,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let t = ctx.t();
    let lang = ctx.lang;
    let all = removal::removals(&state.db).await?;
    let may_propose = Convener::of(&state.db, ctx.user.as_ref(), Body::ExecutiveCouncil)
        .await
        .is_ok();
    let form = if may_propose {
        Some(proposal_form(state, &ctx, typed, errors.clone()).await?)
    } else {
        None
    };
    let general_errors =
        (!may_propose).then(|| view! { <ErrorSummary errors=errors.clone() t=t/> });
    let rows = all.iter().map(|r| row(r, lang, t)).collect_view();
    let table = (!all.is_empty()).then(|| {
        view! {
            <div class="table-scroll" role="region" aria-labelledby="removals-title" tabindex="0">
                <table>
                    <thead><tr>
                        <th scope="col">{t.gov_col_person}</th>
                        <th scope="col">{t.gov_col_term}</th>
                        <th scope="col">{t.adv_removal_reason}</th>
                        <th scope="col">{t.adv_removal_meeting}</th>
                        <th scope="col">{t.col_state}</th>
                        <th scope="col">{t.decisions_col_evidence}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.adv_removals_title>
                <p><a href="/councils#advisory">{t.body_advisory_council}</a></p>
                <h1>{t.adv_removals_title}</h1>
                {notice.map(|n| view! { <Notice text=n/> })}
                <p>{t.adv_removals_intro}</p>
                {general_errors}
                {form}
                <h2 id="removals-title">{t.adv_removals_list}</h2>
                {all.is_empty().then(|| view! { <p>{t.adv_removals_none}</p> })}
                {table}
            </Layout>
        },
    ))
}

fn row(r: &RemovalRow, lang: Lang, t: &'static Tr) -> impl IntoView + use<> {
    let meeting = match lang {
        Lang::Es => r.meeting_es.clone(),
        Lang::En => r.meeting_en.clone(),
    };
    let term = format!(
        "{} – {}",
        r.starts_on.format("%Y-%m-%d"),
        r.ends_on.map_or_else(
            || t.offices_open_ended.to_string(),
            |d| d.format("%Y-%m-%d").to_string()
        )
    );
    let when = r.meeting_starts_at.0.format("%Y-%m-%d").to_string();
    let vote = r.vote_id.map(|v| {
        view! { " · " <a href=format!("/votes/{v}")>{t.adv_removal_vote}</a> }
    });
    view! {
        <tr id=format!("removal-{}", r.id)>
            <th scope="row">{r.full_name.clone()}</th>
            <td>{term}</td>
            <td class="prewrap">{r.reason.clone()}</td>
            <td><a href=format!("/meetings/{}", r.meeting_id)>{meeting}</a>" ("{when}")"</td>
            <td>{status_text(r.status, t)}{vote}</td>
            <td><VerifiedBadge evidence_id=r.evidence_id.clone() t=t/></td>
        </tr>
    }
}

async fn proposal_form(
    state: &AppState,
    ctx: &Ctx,
    typed: &RemovalForm,
    errors: FormErrors,
) -> Result<AnyView, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let today = Utc::now().date_naive();
    let members: Vec<(String, String)> = seats::holders_on(&state.db, today)
        .await?
        .into_iter()
        .filter(|h| h.role() == Some(Role::AdvisoryMember))
        .map(|h| (h.office_id.to_string(), h.full_name))
        .collect();
    let meetings: Vec<(String, String)> =
        crate::services::meetings::council_meetings_open(&state.db)
            .await?
            .into_iter()
            .map(|(id, es, en, starts)| {
                let title = match lang {
                    Lang::Es => es,
                    Lang::En => en,
                };
                (
                    id.to_string(),
                    format!("{title} ({})", starts.0.format("%Y-%m-%d")),
                )
            })
            .collect();
    if members.is_empty() {
        return Ok(view! { <p>{t.adv_removal_no_members}</p> }.into_any());
    }
    if meetings.is_empty() {
        return Ok(view! {
            <p>{t.adv_removal_no_meetings}" "<a href="/meetings/new">{t.adv_removal_new_meeting}</a></p>
        }
        .into_any());
    }
    let choose = |label: &'static str| vec![(String::new(), label.to_string())];
    let member_options = choose(t.adv_removal_choose_member)
        .into_iter()
        .chain(members)
        .collect::<Vec<_>>();
    let meeting_options = choose(t.adv_removal_choose_meeting)
        .into_iter()
        .chain(meetings)
        .collect::<Vec<_>>();
    Ok(view! {
        <section aria-labelledby="propose-title" class="narrow" id="propose">
            <h2 id="propose-title">{t.adv_removal_propose_title}</h2>
            <p>{fill(t.adv_removal_propose_intro, &[("max", &removal::MAX_REASON)])}</p>
            <ErrorSummary errors=errors.clone() t=t labels=vec![
                ("office", t.adv_removal_member),
                ("meeting", t.adv_removal_meeting),
                ("reason", t.adv_removal_reason),
            ]/>
            <form method="post" action="/advisory/removals" novalidate>
                <CsrfInput ctx=ctx.clone()/>
                <SelectField label=t.adv_removal_member name="office" options=member_options selected=typed.office.clone() error=errors.get("office")/>
                <SelectField label=t.adv_removal_meeting name="meeting" options=meeting_options selected=typed.meeting.clone() error=errors.get("meeting")/>
                <TextArea label=t.adv_removal_reason name="reason" value=typed.reason.clone() error=errors.get("reason") required=true/>
                <button type="submit" class="button">{t.adv_removal_submit}</button>
            </form>
        </section>
    }
    .into_any())
}
