//! `/councils`: the composition of the Executive Council (its Secretary and its projects and
//! nodes commissions, one seat per collective each) and of the Advisory Council, with every
//! term, vacant seats, and the decision behind each appointment.

use crate::components::{Layout, VerifiedBadge, term_text};
use crate::domain::roles::Role;
use crate::i18n::{Lang, fill, role_name};
use crate::services::seats::SeatHolder;
use crate::services::{network, seats};
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use leptos::prelude::*;

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let today = Utc::now().date_naive();
    let s = state.settings.governance.clone();
    let holders = seats::holders_on(&state.db, today).await?;
    let secretary = ctx.is(Role::ExecutiveSecretary) || ctx.is(Role::Administrator);
    // who puts a removal on the Council's agenda (it convenes the Council)
    let convener = ctx.is(Role::ExecutiveSecretary);
    let collectives = network::collective_choices(&state.db).await?;
    // `removal`: the Secretary's link to propose an Advisory member's removal
    let row = |h: &SeatHolder, seat: String, removal: bool| {
        let removal = removal.then(|| {
            view! {
                <br/><a href=format!("/advisory/removals?office={}#propose", h.office_id)>{t.gov_propose_removal}</a>
            }
        });
        view! {
            <tr>
                <th scope="row">{seat}</th>
                <td>{h.full_name.clone()}{removal}</td>
                <td>{h.institution.clone().unwrap_or_default()}</td>
                <td>{term_text(h, t)}</td>
                <td><VerifiedBadge evidence_id=h.evidence_id.clone() t=t/></td>
            </tr>
        }
        .into_any()
    };
    let vacant = |seat: String| {
        view! {
            <tr class="vacant">
                <th scope="row">{seat}</th>
                <td colspan="4">{t.gov_vacant}</td>
            </tr>
        }
        .into_any()
    };
    let mut executive = Vec::new();
    let secretaries: Vec<&SeatHolder> = holders
        .iter()
        .filter(|h| h.role() == Some(Role::ExecutiveSecretary))
        .collect();
    for h in &secretaries {
        executive.push(row(
            h,
            role_name(Role::ExecutiveSecretary, t).to_string(),
            false,
        ));
    }
    for _ in secretaries.len()..s.executive_secretaries {
        executive.push(vacant(role_name(Role::ExecutiveSecretary, t).to_string()));
    }
    for role in [Role::ProjectsCommission, Role::NodesCommission] {
        for (cid, es, en) in &collectives {
            let seat = format!(
                "{} — {}",
                role_name(role, t),
                match lang {
                    Lang::Es => es,
                    Lang::En => en,
                }
            );
            let held: Vec<&SeatHolder> = holders
                .iter()
                .filter(|h| h.role() == Some(role) && h.collective_id == Some(*cid))
                .collect();
            for h in &held {
                executive.push(row(h, seat.clone(), false));
            }
            for _ in held.len()..s.commission_seats_per_collective {
                executive.push(vacant(seat.clone()));
            }
        }
    }
    let advisory: Vec<_> = holders
        .iter()
        .filter(|h| h.role() == Some(Role::AdvisoryMember))
        // the Secretary proposes a removal to the Council from here
        .map(|h| row(h, role_name(Role::AdvisoryMember, t).to_string(), convener))
        .collect();
    let advisory_count = advisory.len();
    let terms = fill(
        t.gov_council_terms,
        &[
            ("council", &s.council_term_months),
            ("advisory", &s.advisory_term_months),
            ("renewals", &s.advisory_renewals),
        ],
    );
    let head = || {
        view! {
            <thead><tr>
                <th scope="col">{t.gov_col_seat}</th>
                <th scope="col">{t.gov_col_person}</th>
                <th scope="col">{t.gov_col_institution}</th>
                <th scope="col">{t.gov_col_term}</th>
                <th scope="col">{t.decisions_col_evidence}</th>
            </tr></thead>
        }
    };
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.gov_councils_title>
                <h1>{t.gov_councils_title}</h1>
                <p>{t.gov_councils_intro}</p>
                <p>{terms}</p>
                <h2 id="executive">{t.body_executive_council}</h2>
                <div class="table-scroll" role="region" aria-labelledby="executive" tabindex="0">
                    <table>{head()}<tbody>{executive}</tbody></table>
                </div>
                <h2 id="advisory">{t.body_advisory_council}</h2>
                <p>{fill(t.gov_advisory_count, &[("count", &advisory_count), ("max", &s.advisory_max)])}</p>
                <div class="table-scroll" role="region" aria-labelledby="advisory" tabindex="0">
                    <table>{head()}<tbody>{advisory}</tbody></table>
                </div>
                <h2>{t.gov_how_seats_filled}</h2>
                <ul>
                    <li><a href="/councils/nominations">{t.gov_nominations_link}</a></li>
                    <li><a href="/advisory/apply">{t.gov_advisory_apply_link}</a></li>
                    {secretary.then(|| view! { <li><a href="/advisory/applications">{t.gov_advisory_applications_link}</a></li> })}
                    <li><a href="/advisory/removals">{t.gov_removals_link}</a></li>
                    {secretary.then(|| view! { <li><a href="/collectives/requests">{t.gov_requests_title}</a></li> })}
                    <li><a href="/calls">{t.gov_calls_title}</a></li>
                    <li><a href="/votes">{t.gov_votes_title}</a></li>
                </ul>
                <p><a href="/collectives">{t.gov_collectives_title}</a>" · "<a href="/decisions">{t.nav_decisions}</a></p>
                <crate::pages::open_data::DataLinks t=t lang=ctx.lang page="/councils"/>
            </Layout>
        },
    ))
}
