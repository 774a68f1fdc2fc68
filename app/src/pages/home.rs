//! `/`: the network at a glance — what Minga is, its collectives and institutions, in figures.

use crate::components::Layout;
use crate::domain::roles::Role;
use crate::i18n::{Lang, sector_name};
use crate::services::{network, seats};
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

pub async fn get(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let overview = network::overview(&state.db).await?;
    let t = ctx.t();
    let es = ctx.lang == Lang::Es;
    let signed_in = ctx.user.is_some();
    let institutions_total = overview.institutions.len();
    let stats = [
        (
            overview.collectives.len().to_string(),
            t.home_stat_collectives,
        ),
        (institutions_total.to_string(), t.home_stat_institutions),
        (overview.people.to_string(), t.home_stat_people),
        (overview.accounts.to_string(), t.home_stat_accounts),
    ]
    .into_iter()
    .map(|(n, label)| view! { <div class="stat"><dt>{label}</dt><dd>{n}</dd></div> })
    .collect_view();
    let collectives = overview
        .collectives
        .into_iter()
        .map(|c| {
            let (name, description) = if es {
                (c.name_es, c.description_es)
            } else {
                (c.name_en, c.description_en)
            };
            let counts = crate::i18n::fill(
                t.home_collective_counts,
                &[
                    ("institutions", &c.institutions),
                    ("individuals", &c.individuals),
                ],
            );
            view! {
                <li class="card">
                    <h3>{name}</h3>
                    <p class="tag">{sector_name(&c.sector, t)}</p>
                    <p>{description}</p>
                    <p class="hint">{counts}</p>
                </li>
            }
        })
        .collect_view();
    let institutions = overview
        .institutions
        .into_iter()
        .map(|i| {
            let collective = if es { i.collective_es } else { i.collective_en }.unwrap_or_default();
            let site = (!i.website.is_empty()).then(|| {
                let href = i.website.clone();
                view! { <a href=href rel="noopener noreferrer external">{i.website.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/').to_string()}</a> }
            });
            view! {
                <tr>
                    <th scope="row">{i.name}</th>
                    <td>{sector_name(&i.sector, t)}</td>
                    <td>{collective}</td>
                    <td>{site}</td>
                </tr>
            }
        })
        .collect_view();
    // the terms calendar, for those who fill the seats: the Secretary, leaders, administrators
    let watches_terms = [
        Role::ExecutiveSecretary,
        Role::CollectiveLeader,
        Role::Administrator,
    ]
    .iter()
    .any(|r| ctx.is(*r));
    let days = state.settings.governance.terms_notice_days;
    let ending = if watches_terms {
        seats::ending_within(&state.db, chrono::Utc::now().date_naive(), days).await?
    } else {
        Vec::new()
    };
    let ending_rows = ending
        .iter()
        .map(|h| {
            let seat = h.role().map_or(h.role.clone(), |r| {
                seats::seat_label(
                    r,
                    if es {
                        h.collective_es.as_deref()
                    } else {
                        h.collective_en.as_deref()
                    },
                    ctx.lang,
                )
            });
            view! {
                <tr>
                    <th scope="row">{h.full_name.clone()}</th>
                    <td>{seat}</td>
                    <td>{h.ends_on.map(|d| d.to_string()).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let terms_section = watches_terms.then(|| {
        view! {
            <section aria-labelledby="terms-title" class="notice-box">
                <h2 id="terms-title">{crate::i18n::fill(t.gov_terms_title, &[("days", &days)])}</h2>
                {if ending.is_empty() {
                    view! { <p>{t.gov_terms_none}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" role="region" aria-labelledby="terms-title" tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.gov_col_person}</th>
                                    <th scope="col">{t.gov_col_seat}</th>
                                    <th scope="col">{t.gov_terms_ends}</th>
                                </tr></thead>
                                <tbody>{ending_rows}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
                <p>{t.gov_terms_mail}" "<a href="/councils">{t.gov_councils_title}</a>" · "<a href="/calls">{t.gov_calls_title}</a>" · "<a href="/votes">{t.gov_votes_title}</a></p>
            </section>
        }
    });
    // the agreements the visitor owns, overdue ones marked
    let mine = match &ctx.user {
        Some(u) => crate::services::minutes::owned_by(&state.db, u.person_id).await?,
        None => Vec::new(),
    };
    let today = chrono::Utc::now().date_naive();
    let agreements_section = (!mine.is_empty()).then(|| {
        let items = mine
            .iter()
            .map(|a| {
                let state_text = crate::pages::minutes::agreement_status(a, t);
                view! {
                    <li class=a.overdue(today).then_some("overdue")>
                        <a href=format!("/agreements/{}", a.id)>{a.text.clone()}</a>
                        " — "{t.min_due}" "{a.due_on.to_string()}" · "{state_text}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="agreements-title" class="notice-box">
                <h2 id="agreements-title">{t.min_yours}</h2>
                <ul>{items}</ul>
            </section>
        }
    });
    let reports_section = crate::pages::reporting::home_section(&state, &ctx).await?;
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.home_title>
                {terms_section}
                {reports_section}
                {agreements_section}
                <section class="hero" aria-labelledby="home-title">
                    <h1 id="home-title">{t.home_heading}</h1>
                    <p class="lead">{t.home_lead}</p>
                </section>
                <section aria-labelledby="verify-title" class="verify-box">
                    <h2 id="verify-title">{t.home_verify_title}</h2>
                    <p>{t.home_verify_text}</p>
                    <crate::pages::verify::SearchForm t=t value=""/>
                    <p>{t.search_intro}" "<a href="/search">{t.search_title}</a></p>
                </section>
                <section aria-labelledby="figures-title">
                    <h2 id="figures-title">{t.home_figures_title}</h2>
                    <dl class="stats">{stats}</dl>
                </section>
                <section aria-labelledby="collectives-title">
                    <h2 id="collectives-title">{t.home_collectives_title}</h2>
                    <p>{t.home_collectives_intro}</p>
                    <ul class="cards">{collectives}</ul>
                </section>
                <section aria-labelledby="institutions-title">
                    <h2 id="institutions-title">{t.home_institutions_title}</h2>
                    {if institutions_total == 0 {
                        view! { <p>{t.home_institutions_none}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-scroll" role="region" aria-labelledby="institutions-title" tabindex="0">
                                <table>
                                    <thead><tr>
                                        <th scope="col">{t.col_institution}</th>
                                        <th scope="col">{t.col_sector}</th>
                                        <th scope="col">{t.col_collective}</th>
                                        <th scope="col">{t.col_website}</th>
                                    </tr></thead>
                                    <tbody>{institutions}</tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                </section>
                <section aria-labelledby="participate-title">
                    <h2 id="participate-title">{t.home_participate_title}</h2>
                    <p>{t.home_participate_text}</p>
                    {if signed_in {
                        view! { <p><a class="button" href="/account#next-title">{t.home_participate_next}</a></p> }.into_any()
                    } else {
                        view! { <p><a class="button" href="/register">{t.home_participate_cta}</a></p> }.into_any()
                    }}
                </section>
            </Layout>
        },
    ))
}
