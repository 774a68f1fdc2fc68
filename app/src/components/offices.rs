//! The table of a person's offices (role, collective, term, state); with revoke buttons on the
//! administrator's view.

use super::CsrfInput;
use crate::domain::roles::Role;
use crate::i18n::{Lang, role_name};
use crate::services::offices::OfficeRow;
use crate::web::Ctx;
use chrono::Utc;
use leptos::prelude::*;

#[component]
pub fn OfficeTable(
    ctx: Ctx,
    offices: Vec<OfficeRow>,
    #[prop(optional)] can_revoke: bool,
) -> impl IntoView {
    let t = ctx.t();
    let today = Utc::now().date_naive();
    if offices.is_empty() {
        return view! { <p>{t.offices_none}</p> }.into_any();
    }
    let rows = offices
        .into_iter()
        .map(|o| {
            let domain = o.to_domain();
            let active = domain.as_ref().is_some_and(|d| d.is_active_on(today));
            let role = Role::parse(&o.role).map_or(o.role.clone(), |r| role_name(r, t).to_string());
            let collective = match ctx.lang {
                Lang::Es => o.collective_name_es.clone(),
                Lang::En => o.collective_name_en.clone(),
            }
            .unwrap_or_default();
            let term = format!(
                "{} – {}",
                o.starts_on.format("%Y-%m-%d"),
                o.ends_on.map_or_else(|| t.offices_open_ended.to_string(), |e| e.format("%Y-%m-%d").to_string())
            );
            let state = if o.revoked_at.is_some() {
                t.offices_state_revoked
            } else if active {
                t.offices_state_active
            } else if o.starts_on > today {
                t.offices_state_upcoming
            } else {
                t.offices_state_ended
            };
            let revoke = (can_revoke && o.revoked_at.is_none() && o.ends_on.is_none_or(|e| e >= today)).then(|| {
                let reason_id = format!("revoke-reason-{}", o.id);
                view! {
                    <form method="post" action=format!("/admin/offices/{}/revoke", o.id) class="inline-form">
                        <CsrfInput ctx=ctx.clone()/>
                        <label for=reason_id.clone() class="visually-hidden">{t.offices_revoke_reason}</label>
                        <input id=reason_id name="reason" type="text" placeholder=t.offices_revoke_reason/>
                        <button type="submit" class="button button-secondary">{t.offices_revoke}</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <th scope="row">{role}</th>
                    <td>{collective}</td>
                    <td>{term}</td>
                    <td>{state}</td>
                    {can_revoke.then(|| view! { <td>{revoke}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-label=t.account_offices tabindex="0">
            <table>
                <thead><tr>
                    <th scope="col">{t.col_role}</th>
                    <th scope="col">{t.col_collective}</th>
                    <th scope="col">{t.col_term}</th>
                    <th scope="col">{t.col_state}</th>
                    {can_revoke.then(|| view! { <th scope="col">{t.col_actions}</th> })}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
