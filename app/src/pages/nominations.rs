//! `/councils/nominations`: the designation of the Executive Council. Public: every seat with
//! pending proposals (the Executive Secretary; each collective's projects and nodes commission
//! seats) ranked by the seed's criteria with the figures behind the rank, the seat's current
//! holder, and the latest designations with their verifiable decision. Collective leaders
//! propose candidates; the proposer may withdraw; Advisory Council members designate.

use crate::components::TextArea;
use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, VerifiedBadge, term_text,
};
use crate::domain::governance::Profile;
use crate::domain::roles::Role;
use crate::i18n::{Lang, Tr, fill, role_name};
use crate::pages::refused_form;
use crate::services::authority::{Designator, Nominator};
use crate::services::nominations::{
    self, Designation, MAX_EXPERIENCE_YEARS, MAX_PROJECTS, NominationForm, RankedNomination,
    SeatRanking,
};
use crate::services::seats::{self, SeatHolder};
use crate::web::{CsrfForm, Ctx, NoFields, page, redirect};
use crate::{AppError, AppState};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::Utc;
use leptos::prelude::*;
use serde::Deserialize;

const PATH: &str = "/councils/nominations";

/// The routes of this page family.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show).post(propose))
        .route("/councils/nominations/{id}/designate", post(designate))
        .route("/councils/nominations/{id}/withdraw", post(withdraw))
}

/// Which form of the page was refused, so its errors show beside it.
#[derive(Clone, Debug, Default)]
enum Refused {
    #[default]
    Nothing,
    Proposal,
    Designation {
        id: i64,
        starts_on: String,
    },
    Withdrawal,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DesignateForm {
    starts_on: String,
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render(
        &state,
        &ctx,
        &NominationForm::default(),
        FormErrors::default(),
        Refused::Nothing,
        StatusCode::OK,
    )
    .await
}

pub async fn propose(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<NominationForm>,
) -> Result<Response, AppError> {
    let proposer = Nominator::check(ctx.user.as_ref())?;
    match nominations::propose(&state, &proposer, &form, &ctx.actor()).await {
        Ok(id) => Ok(redirect(&format!("{PATH}#nomination-{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(
                &state,
                &ctx,
                &form,
                refused.errors.clone(),
                Refused::Proposal,
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

pub async fn designate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DesignateForm>,
) -> Result<Response, AppError> {
    let designator = Designator::check(ctx.user.as_ref())?;
    match nominations::designate(&state, &designator, id, &form.starts_on, &ctx.actor()).await {
        Ok(_) => Ok(redirect(&format!("{PATH}#designations"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(
                &state,
                &ctx,
                &NominationForm::default(),
                refused.errors.clone(),
                Refused::Designation {
                    id,
                    starts_on: form.starts_on.clone(),
                },
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match nominations::withdraw(&state, &who, id, &ctx.actor()).await {
        Ok(()) => Ok(redirect(PATH)),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(
                &state,
                &ctx,
                &NominationForm::default(),
                refused.errors.clone(),
                Refused::Withdrawal,
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

fn profile_label(profile: Option<Profile>, t: &'static Tr) -> &'static str {
    match profile {
        Some(p) => nominations::profile_name(p, t),
        None => t.seat_profile_none,
    }
}

fn collective_name(es: Option<&str>, en: Option<&str>, lang: Lang) -> Option<String> {
    match lang {
        Lang::Es => es.map(str::to_string),
        Lang::En => en.map(str::to_string),
    }
}

/// The holders of a seat today, as a sentence.
fn holder_text(
    holders: &[SeatHolder],
    role: Role,
    collective_id: Option<i64>,
    t: &'static Tr,
) -> String {
    let held: Vec<String> = holders
        .iter()
        .filter(|h| h.role() == Some(role) && h.collective_id == collective_id)
        .map(|h| {
            fill(
                t.nom_holder,
                &[("name", &h.full_name), ("term", &term_text(h, t))],
            )
        })
        .collect();
    if held.is_empty() {
        t.nom_seat_vacant.to_string()
    } else {
        held.join(" ")
    }
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    typed: &NominationForm,
    errors: FormErrors,
    refused: Refused,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let typed = typed.clone();
    let t = ctx.t();
    let lang = ctx.lang;
    let today = Utc::now().date_naive();
    let seats_pending = nominations::pending_seats(&state.db, today).await?;
    let holders = seats::holders_on(&state.db, today).await?;
    let designations = nominations::recent_designations(&state.db, 20).await?;
    let me = ctx.user.as_ref().map(|u| u.person_id);
    let led = match me {
        Some(person) if ctx.is(Role::CollectiveLeader) => {
            let mut conn = state.db.acquire().await?;
            nominations::led_collectives(&mut conn, person, today).await?
        }
        _ => Vec::new(),
    };
    let can_propose = !led.is_empty();
    let can_designate = Designator::would_allow(ctx.user.as_ref());
    let eligible = if can_propose {
        nominations::eligible_nominees(&state.db, today).await?
    } else {
        Vec::new()
    };

    let top_errors = match refused {
        Refused::Designation { .. } | Refused::Withdrawal => errors.clone(),
        _ => FormErrors::default(),
    };
    let proposal_errors = match refused {
        Refused::Proposal => errors.clone(),
        _ => FormErrors::default(),
    };

    let seat_sections = seats_pending
        .iter()
        .map(|seat| {
            seat_section(
                seat,
                &holders,
                &ctx,
                me,
                can_designate,
                &refused,
                &errors,
                today,
            )
        })
        .collect_view();

    let proposal =
        can_propose.then(|| proposal_form(&ctx, &typed, &proposal_errors, &led, &eligible));

    let designation_rows = designations
        .iter()
        .map(|d| designation_row(d, lang, t))
        .collect_view();
    let has_designations = !designations.is_empty();
    let none_pending = seats_pending.is_empty();
    let anonymous = ctx.user.is_none();
    let s = &state.settings.governance;
    let rules = t.nom_rules.fill(
        s.commission_seats_per_collective,
        &[("months", &s.council_term_months)],
    );
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.nom_title>
                <p><a href="/councils">{t.gov_councils_title}</a></p>
                <h1>{t.nom_title}</h1>
                <p>{t.nom_intro}</p>
                <p>{rules}</p>
                <p><strong>{t.seat_rank_criteria}</strong>". "{t.nom_criteria_detail}</p>
                <ErrorSummary errors=top_errors t=t labels=vec![("starts_on", t.nom_field_starts_on)]/>
                <h2 id="proposals">{t.nom_proposals_title}</h2>
                {none_pending.then(|| view! { <p>{t.nom_none_pending}</p> })}
                {seat_sections}
                {proposal}
                {(anonymous).then(|| view! {
                    <p><a href=format!("/login?next={PATH}")>{t.nom_login_to_propose}</a></p>
                })}
                <h2 id="designations">{t.nom_designations_title}</h2>
                {(!has_designations).then(|| view! { <p>{t.nom_designations_none}</p> })}
                {has_designations.then(|| view! {
                    <div class="table-scroll" role="region" aria-labelledby="designations" tabindex="0">
                        <table>
                            <thead><tr>
                                <th scope="col">{t.gov_col_seat}</th>
                                <th scope="col">{t.gov_col_person}</th>
                                <th scope="col">{t.nom_col_proposed_by}</th>
                                <th scope="col">{t.nom_col_rank}</th>
                                <th scope="col">{t.gov_col_term}</th>
                                <th scope="col">{t.decisions_col_evidence}</th>
                            </tr></thead>
                            <tbody>{designation_rows}</tbody>
                        </table>
                    </div>
                })}
            </Layout>
        },
    ))
}

#[allow(
    clippy::too_many_arguments,
    reason = "one section of one page, from its parts"
)]
fn seat_section(
    seat: &SeatRanking,
    holders: &[SeatHolder],
    ctx: &Ctx,
    me: Option<i64>,
    can_designate: bool,
    refused: &Refused,
    errors: &FormErrors,
    today: chrono::NaiveDate,
) -> impl IntoView + use<> {
    let t = ctx.t();
    let lang = ctx.lang;
    let collective = collective_name(
        seat.collective_es.as_deref(),
        seat.collective_en.as_deref(),
        lang,
    );
    let title = nominations::seat_title(seat.role, collective.as_deref(), t);
    let heading_id = format!(
        "seat-{}-{}",
        seat.role.as_str(),
        seat.collective_id
            .map_or_else(|| "network".to_string(), |c| c.to_string())
    );
    let holder = holder_text(holders, seat.role, seat.collective_id, t);
    let actions = can_designate
        || seat
            .ranked
            .iter()
            .any(|r| Some(r.nomination.proposed_by) == me);
    let rows = seat
        .ranked
        .iter()
        .map(|r| nominee_row(r, ctx, me, can_designate, actions, refused, errors, today))
        .collect_view();
    let (section_label, region_label) = (heading_id.clone(), heading_id.clone());
    view! {
        <section aria-labelledby=section_label>
            <h3 id=heading_id>{title}</h3>
            <p>{holder}</p>
            <div class="table-scroll" role="region" aria-labelledby=region_label tabindex="0">
                <table>
                    <thead><tr>
                        <th scope="col">{t.nom_col_rank}</th>
                        <th scope="col">{t.nom_col_nominee}</th>
                        <th scope="col">{t.nom_col_seniority}</th>
                        <th scope="col">{t.nom_col_projects}</th>
                        <th scope="col">{t.nom_col_experience}</th>
                        <th scope="col">{t.nom_col_profile}</th>
                        <th scope="col">{t.nom_col_proposed_by}</th>
                        <th scope="col">{t.nom_col_grounds}</th>
                        {actions.then(|| view! { <th scope="col">{t.col_actions}</th> })}
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one row of one table, from its parts"
)]
fn nominee_row(
    r: &RankedNomination,
    ctx: &Ctx,
    me: Option<i64>,
    can_designate: bool,
    actions: bool,
    refused: &Refused,
    errors: &FormErrors,
    today: chrono::NaiveDate,
) -> impl IntoView + use<> {
    let t = ctx.t();
    let n = &r.nomination;
    let since = match n.member_since {
        Some(d) => fill(t.nom_since, &[("date", &d.format("%Y-%m-%d"))]),
        None => t.nom_since_unknown.to_string(),
    };
    let seniority = fill(t.seat_seniority_days, &[("days", &r.seniority_days)]);
    let projects = fill(t.seat_projects, &[("count", &n.projects)]);
    let experience = fill(t.seat_experience_years, &[("years", &n.experience_years)]);
    let proposed = fill(
        t.nom_proposed_on,
        &[("date", &n.created_at.0.format("%Y-%m-%d"))],
    );
    let designate_form = can_designate.then(|| {
        let (here, value) = match refused {
            Refused::Designation { id, starts_on } if *id == n.id => (true, starts_on.clone()),
            _ => (false, today.to_string()),
        };
        let input_id = if here {
            "starts_on".to_string()
        } else {
            format!("starts_on-{}", n.id)
        };
        let error = if here {
            errors.get("starts_on")
        } else {
            None
        };
        let whole = if here { errors.get("") } else { None };
        let error_id = format!("{input_id}-error");
        let described = error.as_ref().map(|_| error_id.clone());
        let invalid = error.is_some().then_some("true");
        let class = if error.is_some() {
            "field field-invalid"
        } else {
            "field"
        };
        view! {
            <form method="post" action=format!("/councils/nominations/{}/designate", n.id) class="inline-form">
                <CsrfInput ctx=ctx.clone()/>
                {whole.map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                <div class=class>
                    <label for=input_id.clone()>{t.nom_field_starts_on}</label>
                    {error.map(|e| view! { <p class="field-error" id=error_id>{e}</p> })}
                    <input id=input_id name="starts_on" type="date" value=value required=true
                        aria-invalid=invalid aria-describedby=described/>
                </div>
                <button type="submit" class="button">
                    {t.nom_designate}<span class="visually-hidden">{format!(" {}", n.full_name)}</span>
                </button>
            </form>
        }
    });
    let withdraw_form = (Some(n.proposed_by) == me).then(|| {
        view! {
            <form method="post" action=format!("/councils/nominations/{}/withdraw", n.id) class="inline-form">
                <CsrfInput ctx=ctx.clone()/>
                <button type="submit" class="button button-secondary">
                    {t.nom_withdraw}<span class="visually-hidden">{format!(" {}", n.full_name)}</span>
                </button>
            </form>
        }
    });
    view! {
        <tr id=format!("nomination-{}", n.id)>
            <td>{r.rank}</td>
            <th scope="row">
                {n.full_name.clone()}
                {n.institution.clone().map(|i| view! { <br/><small>{i}</small> })}
            </th>
            <td>{seniority}<br/><small>{since}</small></td>
            <td>{projects}</td>
            <td>{experience}</td>
            <td>{profile_label(n.profile(), t)}</td>
            <td>{n.proposer_name.clone()}<br/><small>{proposed}</small></td>
            <td class="prewrap">{n.grounds.clone()}</td>
            {actions.then(|| view! { <td>{designate_form}{withdraw_form}</td> })}
        </tr>
    }
}

fn designation_row(d: &Designation, lang: Lang, t: &'static Tr) -> impl IntoView + use<> {
    let collective = collective_name(d.collective_es.as_deref(), d.collective_en.as_deref(), lang);
    let seat = nominations::seat_title(d.role, collective.as_deref(), t);
    let rank = match d.rank {
        Some((rank, of)) => fill(t.nom_rank_of, &[("rank", &rank), ("count", &of)]),
        None => String::new(),
    };
    let term = format!(
        "{} – {}",
        d.starts_on.format("%Y-%m-%d"),
        d.ends_on.map_or_else(
            || t.offices_open_ended.to_string(),
            |e| e.format("%Y-%m-%d").to_string()
        )
    );
    view! {
        <tr>
            <th scope="row">{seat}</th>
            <td>{d.full_name.clone()}</td>
            <td>{d.proposer_name.clone()}</td>
            <td>{rank}</td>
            <td>{term}</td>
            <td><VerifiedBadge evidence_id=d.evidence_id.clone() t=t/></td>
        </tr>
    }
}

/// The nominee chooser: the members of each collective the leader leads (for its commission
/// seats or the Executive Secretary), then the other members of the network (Executive
/// Secretary only).
fn nominee_select(
    t: &'static Tr,
    lang: Lang,
    led: &[(i64, String, String)],
    eligible: &[nominations::Eligible],
    selected: &str,
    error: Option<String>,
) -> impl IntoView + use<> {
    let mut placed: Vec<i64> = Vec::new();
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let label = |e: &nominations::Eligible| match &e.institution {
        Some(i) => format!("{} ({i})", e.full_name),
        None => e.full_name.clone(),
    };
    for (cid, es, en) in led {
        let name = lang.pick(es, en);
        let options: Vec<(String, String)> = eligible
            .iter()
            .filter(|e| e.collective_ids.contains(cid) && !placed.contains(&e.person_id))
            .map(|e| (e.person_id.to_string(), label(e)))
            .collect();
        placed.extend(options.iter().filter_map(|(v, _)| v.parse::<i64>().ok()));
        groups.push((
            fill(t.nom_group_collective, &[("collective", &name)]),
            options,
        ));
    }
    let others: Vec<(String, String)> = eligible
        .iter()
        .filter(|e| !placed.contains(&e.person_id))
        .map(|e| (e.person_id.to_string(), label(e)))
        .collect();
    groups.push((t.nom_group_network.to_string(), others));
    let selected = selected.trim().to_string();
    let groups = groups
        .into_iter()
        .filter(|(_, options)| !options.is_empty())
        .map(|(label, options)| {
            let options = options
                .into_iter()
                .map(|(value, text)| {
                    let is_selected = value == selected;
                    view! { <option value=value selected=is_selected>{text}</option> }
                })
                .collect_view();
            view! { <optgroup label=label>{options}</optgroup> }
        })
        .collect_view();
    let described = match error {
        Some(_) => "nominee-hint nominee-error",
        None => "nominee-hint",
    };
    let invalid = error.is_some().then_some("true");
    let class = if error.is_some() {
        "field field-invalid"
    } else {
        "field"
    };
    view! {
        <div class=class>
            <label for="nominee">{t.nom_field_nominee}</label>
            <p class="hint" id="nominee-hint">{t.nom_field_nominee_hint}</p>
            {error.map(|e| view! { <p class="field-error" id="nominee-error">{e}</p> })}
            <select id="nominee" name="nominee" aria-invalid=invalid aria-describedby=described>
                <option value="">{t.nom_choose}</option>
                {groups}
            </select>
        </div>
    }
}

fn proposal_form(
    ctx: &Ctx,
    typed: &NominationForm,
    errors: &FormErrors,
    led: &[(i64, String, String)],
    eligible: &[nominations::Eligible],
) -> impl IntoView + use<> {
    let t = ctx.t();
    let lang = ctx.lang;
    let roles: Vec<(String, String)> = std::iter::once((String::new(), t.nom_choose.to_string()))
        .chain(
            nominations::SEAT_ROLES
                .iter()
                .map(|r| (r.as_str().to_string(), role_name(*r, t).to_string())),
        )
        .collect();
    let profiles: Vec<(String, String)> =
        std::iter::once((String::new(), t.seat_profile_none.to_string()))
            .chain(Profile::ALL.iter().map(|p| {
                (
                    p.as_str().to_string(),
                    nominations::profile_name(*p, t).to_string(),
                )
            }))
            .collect();
    let collective_field = match led {
        [(_, es, en)] => view! {
            <p>{fill(t.nom_propose_for_collective, &[("collective", &lang.pick(es, en))])}</p>
        }
        .into_any(),
        _ => {
            let options: Vec<(String, String)> =
                std::iter::once((String::new(), t.nom_choose.to_string()))
                    .chain(
                        led.iter()
                            .map(|(id, es, en)| (id.to_string(), lang.pick(es, en))),
                    )
                    .collect();
            view! {
                <SelectField label=t.nom_field_collective name="collective_id" options=options
                    selected=typed.collective_id.clone() error=errors.get("collective_id")/>
            }
            .into_any()
        }
    };
    let labels = vec![
        ("role", t.nom_field_role),
        ("collective_id", t.nom_field_collective),
        ("nominee", t.nom_field_nominee),
        ("profile", t.nom_field_profile),
        ("projects", t.nom_field_projects),
        ("experience_years", t.nom_field_experience),
        ("grounds", t.nom_field_grounds),
    ];
    let nominee = nominee_select(
        t,
        lang,
        led,
        eligible,
        &typed.nominee,
        errors.get("nominee"),
    );
    view! {
        <section aria-labelledby="propose-title" class="narrow">
            <h2 id="propose-title">{t.nom_propose_title}</h2>
            <p>{t.nom_propose_intro}</p>
            <ErrorSummary errors=errors.clone() t=t labels=labels/>
            <form method="post" action=PATH novalidate>
                <CsrfInput ctx=ctx.clone()/>
                <SelectField label=t.nom_field_role name="role" options=roles selected=typed.role.clone() error=errors.get("role")/>
                {collective_field}
                {nominee}
                <p class="hint">{t.nom_profile_hint}</p>
                <SelectField label=t.nom_field_profile name="profile" options=profiles selected=typed.profile.clone() error=errors.get("profile")/>
                <Field label=t.nom_field_projects name="projects" kind="number" value=typed.projects.clone()
                    error=errors.get("projects") required=true
                    hint=fill(t.nom_field_projects_hint, &[("max", &MAX_PROJECTS)])/>
                <Field label=t.nom_field_experience name="experience_years" kind="number" value=typed.experience_years.clone()
                    error=errors.get("experience_years") required=true
                    hint=fill(t.nom_field_experience_hint, &[("max", &MAX_EXPERIENCE_YEARS)])/>
                <TextArea label=t.nom_field_grounds name="grounds" value=typed.grounds.clone() error=errors.get("grounds")/>
                <button type="submit" class="button">{t.nom_propose_submit}</button>
            </form>
        </section>
    }
}
