//! `/admin/audit`: the audit trail, newest first, filtered by actor, action or entity.

use crate::components::{Field, Layout};
use crate::domain::roles::Role;
use crate::i18n::datetime;
use crate::services::audit::{self, Filter};
use crate::web::{Ctx, page, urlencode};
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    ctx.require_role(&[Role::Administrator])?;
    let t = ctx.t();
    let (entries, more) = audit::list(&state.db, &filter).await?;
    let older = more.then(|| {
        let last = entries.last().map(|e| e.id).unwrap_or_default();
        format!(
            "/admin/audit?actor={}&action={}&entity={}&before={last}",
            urlencode(&filter.actor),
            urlencode(&filter.action),
            urlencode(&filter.entity)
        )
    });
    let rows = entries
        .into_iter()
        .map(|e| {
            let change = match (e.before_json, e.after_json) {
                (None, None) => String::new(),
                (Some(b), None) => format!("{b} →"),
                (None, Some(a)) => a,
                (Some(b), Some(a)) => format!("{b} → {a}"),
            };
            view! {
                <tr>
                    <td>{e.id}</td>
                    <td><time datetime=e.at.to_db()>{datetime(e.at.0)}</time></td>
                    <td>{e.actor_label}</td>
                    <td><code>{e.action}</code></td>
                    <td>{format!("{}:{}", e.entity_type, e.entity_id)}</td>
                    <td class="change"><code>{change}</code></td>
                    <td>{e.ip}</td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.admin_audit_title>
                <h1>{t.admin_audit_title}</h1>
                <p>{t.admin_audit_intro}</p>
                <form method="get" action="/admin/audit" class="filters" role="search">
                    <Field label=t.audit_filter_actor name="actor" value=filter.actor.clone()/>
                    <Field label=t.audit_filter_action name="action" value=filter.action.clone() hint=t.audit_filter_action_hint.to_string()/>
                    <Field label=t.audit_filter_entity name="entity" value=filter.entity.clone() hint=t.audit_filter_entity_hint.to_string()/>
                    <button type="submit" class="button">{t.search_submit}</button>
                </form>
                <div class="table-scroll" role="region" aria-label=t.admin_audit_title tabindex="0">
                    <table class="audit">
                        <thead><tr>
                            <th scope="col">"#"</th>
                            <th scope="col">{t.col_when}</th>
                            <th scope="col">{t.col_who}</th>
                            <th scope="col">{t.col_action}</th>
                            <th scope="col">{t.col_entity}</th>
                            <th scope="col">{t.col_change}</th>
                            <th scope="col">{t.col_ip}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {older.map(|href| view! { <p><a href=href>{t.audit_older}</a></p> })}
            </Layout>
        },
    ))
}
