//! `/admin/anchors`: each anchor backend's health, its last anchor and its backlog.

use crate::components::Layout;
use crate::domain::roles::Role;
use crate::i18n::{datetime, fill};
use crate::services::anchors;
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_role(&[Role::Administrator])?;
    let t = ctx.t();
    let backends = anchors::backends(&state.db).await?;
    let empty = backends.is_empty();
    let rows = backends
        .into_iter()
        .map(|b| {
            let health = if b.failures == 0 {
                view! { <span class="check-ok">"✓ "{t.anchors_healthy}</span> }.into_any()
            } else {
                let next = b.next_attempt_at.map(|n| datetime(n.0)).unwrap_or_default();
                view! {
                    <span class="check-failed">"✗ "{fill(t.anchors_failing, &[("count", &b.failures), ("next", &next)])}</span>
                    <br/><code>{b.last_error.clone().unwrap_or_default()}</code>
                }
                .into_any()
            };
            let last = match (b.last_size, b.last_tx.clone()) {
                (Some(size), Some(tx)) => {
                    let explorer = state
                        .settings
                        .eth
                        .iter()
                        .find(|e| e.name == b.name)
                        .and_then(|e| e.explorer.clone());
                    let link = match (&explorer, b.kind.as_str()) {
                        (Some(template), "ethereum") => view! { <a href=template.replace("{tx}", &tx)><code>{tx.clone()}</code></a> }.into_any(),
                        _ => view! { <code>{tx.clone()}</code> }.into_any(),
                    };
                    view! { {fill(t.anchors_last_size, &[("size", &size)])}" · "{link} }.into_any()
                }
                (Some(size), None) => fill(t.anchors_last_size, &[("size", &size)]).into_any(),
                _ => t.anchors_never.into_any(),
            };
            view! {
                <tr>
                    <td><code>{b.name.clone()}</code></td>
                    <td>{b.kind.clone()}</td>
                    <td>{health}</td>
                    <td>{b.last_ok_at.map(|at| datetime(at.0)).unwrap_or_else(|| "—".into())}</td>
                    <td>{last}</td>
                    <td>{b.backlog}</td>
                </tr>
            }
        })
        .collect_view();
    let interval = state.settings.anchor_interval.num_minutes().to_string();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.anchors_admin_title>
                <h1>{t.anchors_admin_title}</h1>
                <p>{fill(t.anchors_admin_intro, &[("minutes", &interval)])}</p>
                {empty.then(|| view! { <p>{t.anchors_admin_none}</p> })}
                <div class="table-scroll" role="region" aria-label=t.anchors_admin_title tabindex="0">
                    <table>
                        <thead><tr>
                            <th scope="col">{t.anchors_col_backend}</th>
                            <th scope="col">{t.verify_col_kind}</th>
                            <th scope="col">{t.anchors_col_health}</th>
                            <th scope="col">{t.anchors_col_last_ok}</th>
                            <th scope="col">{t.anchors_col_last}</th>
                            <th scope="col">{t.anchors_col_backlog}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </Layout>
        },
    ))
}
