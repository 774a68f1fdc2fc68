//! `/reports`: the batch reports of the anchoring rounds, newest first. Each is a PDF registered
//! as an evidence, so it links to its verification page and to the document itself.

use crate::components::Layout;
use crate::i18n::{datetime, fill};
use crate::services::anchors;
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let reports = anchors::reports(&state.db, 200).await?;
    let empty = reports.is_empty();
    let rows = reports
        .into_iter()
        .map(|r| {
            let range = fill(
                t.reports_range,
                &[("from", &r.from_size), ("until", &(r.to_size - 1))],
            );
            view! {
                <tr>
                    <td>{r.round_id}</td>
                    <td><time datetime=r.created_at.to_db()>{datetime(r.created_at.0)}</time></td>
                    <td>{range}</td>
                    <td>
                        <a href=format!("/api/v1/evidence/{}/document", r.evidence_id)>{t.reports_download}</a>" · "
                        <a href=format!("/v/{}", r.evidence_id)>{t.reports_verify}</a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.reports_title>
                <h1>{t.reports_title}</h1>
                <p>{t.reports_intro}</p>
                {empty.then(|| view! { <p>{t.reports_none}</p> })}
                <div class="table-scroll" role="region" aria-label=t.reports_title tabindex="0" hidden=empty>
                    <table>
                        <thead><tr>
                            <th scope="col">{t.reports_col_round}</th>
                            <th scope="col">{t.col_when}</th>
                            <th scope="col">{t.reports_col_entries}</th>
                            <th scope="col">{t.reports_col_report}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <crate::pages::open_data::DataLinks t=t lang=ctx.lang page="/reports"/>
            </Layout>
        },
    ))
}
