//! `/votes`: votes open and closed; `/votes/{id}`: one vote — the question, who may vote, the
//! ballot form for the eligible, and the tally (direct and delegated weight) once closed;
//! `/account/delegations`: a member's liquid delegations, by scope, revocable.

use crate::components::{CsrfInput, ErrorSummary, FormErrors, Layout, SelectField};
use crate::domain::voting::{Choice, DelegationScope, Electorate, Tally};
use crate::error::AppResult;
use crate::i18n::{Lang, Tr, datetime, fill};
use crate::pages::refused_form;
use crate::services::authority::VoteCloser;
use crate::services::{network, votes};
use crate::web::{CsrfForm, Ctx, NoFields, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

fn question(lang: Lang, v: &votes::VoteRow) -> String {
    match lang {
        Lang::Es => v.question_es.clone(),
        Lang::En => v.question_en.clone(),
    }
}

pub fn choice_name(c: Choice, t: &'static Tr) -> &'static str {
    match c {
        Choice::Yes => t.voting_choice_yes,
        Choice::No => t.voting_choice_no,
        Choice::Abstain => t.voting_choice_abstain,
    }
}

async fn electorate_name(state: &AppState, e: Option<Electorate>, ctx: &Ctx) -> AppResult<String> {
    let t = ctx.t();
    Ok(match e {
        Some(Electorate::ExecutiveCouncil) => t.body_executive_council.to_string(),
        Some(Electorate::AdvisoryCouncil) => t.body_advisory_council.to_string(),
        Some(Electorate::NodesCommission) => t.role_nodes_commission.to_string(),
        Some(Electorate::Meeting(_)) => t.gov_electorate_meeting.to_string(),
        Some(Electorate::CollectiveMembers(id)) => {
            let name = collective_name(state, id, ctx.lang).await?;
            fill(t.gov_electorate_members, &[("collective", &name)])
        }
        None => String::new(),
    })
}

async fn collective_name(state: &AppState, id: i64, lang: Lang) -> AppResult<String> {
    Ok(network::collective_choices(&state.db)
        .await?
        .into_iter()
        .find(|(cid, _, _)| *cid == id)
        .map(|(_, es, en)| lang.pick(&es, &en))
        .unwrap_or_default())
}

async fn scope_name(state: &AppState, s: DelegationScope, ctx: &Ctx) -> AppResult<String> {
    let t = ctx.t();
    Ok(match s {
        DelegationScope::Elections => t.voting_scope_elections.to_string(),
        DelegationScope::Projects => t.voting_scope_projects.to_string(),
        DelegationScope::Collective(id) => {
            let name = collective_name(state, id, ctx.lang).await?;
            format!("{} — {name}", t.voting_scope_collective)
        }
    })
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let rows = votes::list(&state.db, 100).await?;
    let items = rows
        .iter()
        .map(|v| {
            let state_text = if v.status == "open" { t.gov_vote_open } else { t.gov_vote_closed };
            view! {
                <li><a href=format!("/votes/{}", v.id)>{question(ctx.lang, v)}</a>" — "{state_text}" · "{datetime(v.closes_at.0)}</li>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.gov_votes_title>
                <h1>{t.gov_votes_title}</h1>
                <p>{t.gov_votes_intro}</p>
                {rows.is_empty().then(|| view! { <p>{t.gov_votes_none}</p> })}
                <ul>{items}</ul>
                <crate::pages::open_data::DataLinks t=t lang=ctx.lang page="/votes"/>
            </Layout>
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render(&state, &ctx, id, FormErrors::default(), StatusCode::OK).await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct BallotForm {
    choice: String,
}

pub async fn cast(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<BallotForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match votes::cast(&state, &who, id, &form.choice, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/votes/{id}?cast=1"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(&state, &ctx, id, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

pub async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let closer = VoteCloser::check(ctx.user.as_ref())?;
    match votes::close(&state, &closer, id, &ctx.actor()).await {
        Ok(_) => Ok(redirect(&format!("/votes/{id}#result"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(&state, &ctx, id, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

fn tally_table(tally: &serde_json::Value, t: &'static Tr) -> impl IntoView + use<> {
    let weight = |k: &str, part: &str| tally[k][part].as_u64().unwrap_or(0);
    let rows = [
        ("yes", t.voting_choice_yes),
        ("no", t.voting_choice_no),
        ("abstain", t.voting_choice_abstain),
    ]
    .into_iter()
    .map(|(k, label)| {
        view! {
            <tr>
                <th scope="row">{label}</th>
                <td>{weight(k, "direct")}</td>
                <td>{weight(k, "delegated")}</td>
                <td>{weight(k, "direct") + weight(k, "delegated")}</td>
            </tr>
        }
    })
    .collect_view();
    view! {
        <table>
            <thead><tr>
                <th scope="col">{t.gov_vote_choice}</th>
                <th scope="col">{t.voting_direct}</th>
                <th scope="col">{t.voting_delegated}</th>
                <th scope="col">{t.gov_vote_total}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let t = ctx.t();
    let vote = votes::get(&state.db, id).await?;
    let electorate = electorate_name(state, vote.electorate(), &ctx).await?;
    let scope = match vote.scope() {
        Some(s) if vote.liquid => Some(scope_name(state, s, &ctx).await?),
        _ => None,
    };
    let open = vote.status == "open" && chrono::Utc::now() <= vote.closes_at.0;
    let mut conn = state.db.acquire().await?;
    let eligible = votes::eligible(
        &mut conn,
        vote.electorate().ok_or(AppError::NotFound)?,
        vote.eligibility_on,
    )
    .await?;
    drop(conn);
    let me = ctx.user.as_ref().map(|u| u.person_id);
    let may_vote = me.is_some_and(|p| eligible.contains(&p));
    let mine = match me {
        Some(p) => votes::ballot_of(&state.db, id, p).await?,
        None => None,
    };
    // while open, a public vote shows its running count; a secret one only once closed
    let shown: Option<serde_json::Value> = match vote.result() {
        Some(r) => Some(r),
        None if !vote.secret => {
            let mut conn = state.db.acquire().await?;
            let live: Tally = votes::tally(&mut conn, &vote).await?;
            Some(serde_json::to_value(&live).map_err(AppError::internal)?)
        }
        None => None,
    };
    let outcome = vote.result().map(|r| {
        let approved = r["outcome"].as_str() == Some("approved");
        let tie = r["tie"].as_bool().unwrap_or(false);
        format!(
            "{}{}",
            if approved {
                t.voting_outcome_approved
            } else {
                t.voting_outcome_rejected
            },
            if tie {
                format!(" ({})", t.voting_tie)
            } else {
                String::new()
            }
        )
    });
    let counted = shown.as_ref().map(|r| {
        fill(
            t.gov_vote_counted,
            &[
                ("counted", &r["counted"].as_u64().unwrap_or(0)),
                ("eligible", &r["eligible"].as_u64().unwrap_or(0)),
            ],
        )
    });
    let choices = [Choice::Yes, Choice::No, Choice::Abstain]
        .into_iter()
        .map(|c| (c.as_str().to_string(), choice_name(c, t).to_string()))
        .collect::<Vec<_>>();
    let majority = match vote.majority.as_str() {
        "absolute" => t.voting_majority_absolute,
        "two_thirds" => t.voting_majority_two_thirds,
        _ => t.voting_majority_simple,
    };
    let tie_rule = match vote.tie_rule.as_str() {
        "approved" => t.voting_tie_approved,
        "chair_decides" => t.voting_tie_chair_decides,
        _ => t.voting_tie_rejected,
    };
    // a recorded vote shows how each member's weight was counted, directly or through whom
    let resolution = match shown.as_ref().and_then(|r| r["resolution"].as_array()) {
        Some(list) if !vote.secret => {
            let names: std::collections::HashMap<i64, String> =
                sqlx::query_as::<_, (i64, String)>("SELECT id, full_name FROM people")
                    .fetch_all(&state.db)
                    .await?
                    .into_iter()
                    .collect();
            let name = |v: &serde_json::Value| {
                v.as_i64()
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default()
            };
            list.iter()
                .map(|r| {
                    let choice = r["choice"]
                        .as_str()
                        .and_then(Choice::parse)
                        .map_or(t.gov_vote_not_counted, |c| choice_name(c, t));
                    let via: Vec<String> = r["via"]
                        .as_array()
                        .map(|v| v.iter().map(name).collect())
                        .unwrap_or_default();
                    (name(&r["voter"]), choice, via.join(" → "))
                })
                .collect::<Vec<_>>()
        }
        _ => Vec::new(),
    };
    let resolution_rows = resolution
        .into_iter()
        .map(|(voter, choice, via)| {
            view! { <tr><th scope="row">{voter}</th><td>{choice}</td><td>{via}</td></tr> }
        })
        .collect_view();
    let can_close = vote.status == "open" && VoteCloser::would_allow(ctx.user.as_ref());
    let cast_notice = ctx.path.contains("cast=1");
    let title = question(ctx.lang, &vote);
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p><a href="/votes">{t.gov_votes_title}</a></p>
                <h1>{title.clone()}</h1>
                {cast_notice.then(|| view! { <div class="notice" role="status">{t.gov_vote_cast_done}</div> })}
                <ErrorSummary errors=errors.clone() t=t/>
                <dl class="facts">
                    <dt>{t.gov_vote_electorate}</dt><dd>{electorate}</dd>
                    <dt>{t.gov_vote_eligibility_on}</dt><dd>{vote.eligibility_on.to_string()}</dd>
                    <dt>{t.gov_vote_closes}</dt><dd>{datetime(vote.closes_at.0)}</dd>
                    <dt>{t.gov_vote_rule}</dt><dd>{format!("{majority}; {tie_rule}")}</dd>
                    <dt>{t.gov_vote_kind}</dt><dd>{if vote.secret { t.gov_vote_secret } else { t.gov_vote_recorded }}</dd>
                    {scope.map(|s| view! { <dt>{t.gov_vote_liquid}</dt><dd>{s}</dd> })}
                    <dt>{t.col_state}</dt><dd>{if vote.status == "open" { t.gov_vote_open } else { t.gov_vote_closed }}</dd>
                </dl>
                {outcome.map(|o| view! { <p id="result" class="outcome"><strong>{o}</strong></p> })}
                {counted.map(|c| view! { <p>{c}</p> })}
                {shown.as_ref().map(|r| view! { <div class="table-scroll" role="region" aria-label=t.gov_vote_tally tabindex="0">{tally_table(r, t)}</div> })}
                {(!vote.secret).then(|| view! {
                    <h2 id="roll">{t.gov_vote_roll}</h2>
                    <div class="table-scroll" role="region" aria-labelledby="roll" tabindex="0">
                        <table>
                            <thead><tr>
                                <th scope="col">{t.gov_col_person}</th>
                                <th scope="col">{t.gov_vote_choice}</th>
                                <th scope="col">{t.gov_vote_via}</th>
                            </tr></thead>
                            <tbody>{resolution_rows}</tbody>
                        </table>
                    </div>
                })}
                {(open && may_vote).then(|| view! {
                    <section aria-labelledby="ballot-title" class="narrow">
                        <h2 id="ballot-title">{t.gov_vote_your_ballot}</h2>
                        {mine.clone().map(|m| view! { <p>{fill(t.gov_vote_you_voted, &[("choice", &Choice::parse(&m).map(|c| choice_name(c, t)).unwrap_or(""))])}</p> })}
                        <form method="post" action=format!("/votes/{}/ballot", vote.id) novalidate>
                            <CsrfInput ctx=ctx.clone()/>
                            <SelectField label=t.gov_vote_choice name="choice" options=choices.clone() selected=mine.clone().unwrap_or_default() error=errors.get("choice")/>
                            <button type="submit" class="button">{t.gov_vote_cast}</button>
                        </form>
                        {vote.liquid.then(|| view! { <p class="hint">{t.gov_vote_override_hint}" "<a href="/account/delegations">{t.gov_delegations_title}</a></p> })}
                    </section>
                })}
                {(open && me.is_some() && !may_vote).then(|| view! { <p>{t.gov_problem_not_eligible}</p> })}
                {can_close.then(|| view! {
                    <form method="post" action=format!("/votes/{}/close", vote.id)>
                        <CsrfInput ctx=ctx.clone()/>
                        <button type="submit" class="button button-secondary">{t.gov_vote_close}</button>
                    </form>
                })}
            </Layout>
        },
    ))
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DelegationForm {
    scope: String,
    to: String,
}

pub async fn delegations(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_user()?;
    render_delegations(
        &state,
        &ctx,
        &DelegationForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn delegate(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<DelegationForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match votes::delegate(&state, &who, &form.scope, &form.to, &ctx.actor()).await {
        Ok(()) => Ok(redirect("/account/delegations")),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_delegations(&state, &ctx, &form, refused.errors.clone(), refused.status)
                .await
                .map(|r| refused.finish(r))
        }
    }
}

pub async fn revoke_delegation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    votes::revoke_delegation(&state, &who, id, &ctx.actor()).await?;
    Ok(redirect("/account/delegations"))
}

async fn render_delegations(
    state: &AppState,
    ctx: &Ctx,
    form: &DelegationForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let form = form.clone();
    let t = ctx.t();
    let user = ctx.require_user()?.clone();
    let mine = votes::delegations_of(&state.db, user.person_id).await?;
    let mut rows = Vec::new();
    for d in &mine {
        let scope = match DelegationScope::parse(&d.scope) {
            Some(s) => scope_name(state, s, &ctx).await?,
            None => d.scope.clone(),
        };
        rows.push(view! {
            <tr>
                <th scope="row">{scope}</th>
                <td>{d.to_name.clone()}</td>
                <td>{datetime(d.created_at.0)}</td>
                <td>
                    <form method="post" action=format!("/account/delegations/{}/revoke", d.id) class="inline-form">
                        <CsrfInput ctx=ctx.clone()/>
                        <button type="submit" class="button button-secondary">{t.gov_delegation_revoke}</button>
                    </form>
                </td>
            </tr>
        });
    }
    let mut scopes = vec![
        (
            DelegationScope::Elections.key(),
            t.voting_scope_elections.to_string(),
        ),
        (
            DelegationScope::Projects.key(),
            t.voting_scope_projects.to_string(),
        ),
    ];
    for (id, _, _) in network::collective_choices(&state.db).await? {
        let s = DelegationScope::Collective(id);
        scopes.push((s.key(), scope_name(state, s, &ctx).await?));
    }
    // everyone a member may delegate to in some scope (the service checks the scope itself)
    let people =
        votes::delegates_for(&state.db, DelegationScope::Elections, user.person_id).await?;
    let people: Vec<(String, String)> =
        std::iter::once((String::new(), t.gov_delegation_choose.to_string()))
            .chain(people.into_iter().map(|(id, name)| (id.to_string(), name)))
            .collect();
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.gov_delegations_title>
                <p><a href="/account">{t.nav_account}</a></p>
                <h1>{t.gov_delegations_title}</h1>
                <p>{t.gov_delegations_intro}</p>
                {mine.is_empty().then(|| view! { <p>{t.gov_delegations_none}</p> })}
                {(!mine.is_empty()).then(|| view! {
                    <div class="table-scroll" role="region" aria-label=t.gov_delegations_title tabindex="0">
                        <table>
                            <thead><tr>
                                <th scope="col">{t.gov_delegation_scope}</th>
                                <th scope="col">{t.gov_delegation_to}</th>
                                <th scope="col">{t.col_created}</th>
                                <th scope="col">{t.col_actions}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                })}
                <section aria-labelledby="delegate-title" class="narrow">
                    <h2 id="delegate-title">{t.gov_delegation_new}</h2>
                    <ErrorSummary errors=errors.clone() t=t labels=vec![("scope", t.gov_delegation_scope), ("to", t.gov_delegation_to)]/>
                    <form method="post" action="/account/delegations" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <SelectField label=t.gov_delegation_scope name="scope" options=scopes selected=form.scope.clone() error=errors.get("scope")/>
                        <SelectField label=t.gov_delegation_to name="to" options=people selected=form.to.clone() error=errors.get("to")/>
                        <button type="submit" class="button">{t.gov_delegation_submit}</button>
                    </form>
                </section>
            </Layout>
        },
    ))
}
