//! The report calendar: `/reporting`, where every debtor stands per period (public, computed
//! from the filings); `/reporting/mine`, the reports the visitor owes; `/reporting/reports/{id}`,
//! a filed report with its PDF and its verification; the form (`write`) and the administrator's
//! settings (`admin`). The home page shows what the visitor owes, and a leader what the members
//! of their collective have not filed.

use crate::components::{Layout, VerifiedBadge};
use crate::domain::reporting::{Debtor, Period, Recipient, Standing};
use crate::error::AppResult;
use crate::i18n::{Lang, Tr, fill};
use crate::services::reporting::{self, Cell, Owed, Section, question_label};
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use leptos::prelude::*;

pub mod admin;
pub mod write;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/reporting", get(compliance))
        .route("/reporting/mine", get(mine))
        .route("/reporting/write", get(write::show).post(write::submit))
        .route("/reporting/reports/{id}", get(show))
        .route("/reporting/reports/{id}/report.pdf", get(pdf))
        .route("/admin/reporting", get(admin::list).post(admin::save))
        .route("/admin/reporting/{debtor}", get(admin::edit))
}

pub fn debtor_name(d: Debtor, t: &'static Tr) -> &'static str {
    match d {
        Debtor::Member => t.report_debtor_member,
        Debtor::Project => t.report_debtor_project,
        Debtor::Leaders => t.report_debtor_leaders,
        Debtor::Commission => t.report_debtor_commission,
        Debtor::ExecutiveSecretary => t.report_debtor_secretary,
        Debtor::AdvisoryCouncil => t.report_debtor_advisory,
    }
}

pub fn recipient_name(r: Recipient, t: &'static Tr) -> &'static str {
    match r {
        Recipient::CollectiveLeaders => t.report_to_leaders,
        Recipient::ExecutiveCouncil => t.report_to_council,
        Recipient::ExecutiveSecretary => t.report_to_secretary,
    }
}

pub fn period_name(p: Period, t: &'static Tr) -> &'static str {
    match p {
        Period::Monthly => t.report_period_monthly,
        Period::Bimonthly => t.report_period_bimonthly,
        Period::Quarterly => t.report_period_quarterly,
    }
}

pub fn standing_name(s: Standing, t: &'static Tr) -> &'static str {
    match s {
        Standing::OnTime => t.report_standing_on_time,
        Standing::Late => t.report_standing_late,
        Standing::Missing => t.report_standing_missing,
        Standing::Pending => t.report_standing_pending,
    }
}

/// The link to a report's form.
pub fn write_url(debtor: Debtor, subject: &str, period: &str) -> String {
    let enc = |s: &str| {
        s.replace('%', "%25")
            .replace('@', "%40")
            .replace('/', "%2F")
    };
    format!(
        "/reporting/write?debtor={}&subject={}&period={}",
        debtor.as_str(),
        enc(subject),
        enc(period)
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct YearQuery {
    pub year: Option<String>,
}

fn cell_view(c: &Cell, t: &'static Tr) -> AnyView {
    let word = standing_name(c.standing, t);
    let class = format!("standing standing-{}", c.standing.as_str());
    match (c.report_id, c.evidence_id.clone()) {
        (Some(id), evidence) => view! {
            <td class=class>
                <a href=format!("/reporting/reports/{id}")>{word}</a>
                {evidence.map(|e| view! { " · "<a href=format!("/v/{e}")>{t.report_verify_short}</a> })}
            </td>
        }
        .into_any(),
        (None, _) => {
            let due = fill(t.report_due_on, &[("due", &c.due_on)]);
            view! { <td class=class>{word}<br/><span class="hint">{due}</span></td> }.into_any()
        }
    }
}

fn section_view(s: &Section, lang: Lang, t: &'static Tr) -> AnyView {
    let o = &s.obligation;
    let spans = s.spans();
    let heads = spans
        .iter()
        .map(|sp| view! { <th scope="col">{sp.label()}</th> })
        .collect_view();
    let rows = s
        .lines
        .iter()
        .map(|l| {
            let cells = spans
                .iter()
                .map(|sp| match l.cells.iter().find(|c| c.span == *sp) {
                    Some(c) => cell_view(c, t),
                    None => view! { <td>"—"</td> }.into_any(),
                })
                .collect_view();
            view! { <tr><th scope="row">{l.subject.name(lang)}</th>{cells}</tr> }
        })
        .collect_view();
    let id = format!("debtor-{}", o.debtor.as_str());
    let terms = fill(
        t.report_terms,
        &[
            ("to", &recipient_name(o.debtor.recipient(), t)),
            ("period", &period_name(o.period, t)),
            ("day", &o.due_day),
        ],
    );
    let empty = s.lines.is_empty() || spans.is_empty();
    let region = id.clone();
    view! {
        <section aria-labelledby=id.clone()>
            <h2 id=id.clone()>{debtor_name(o.debtor, t)}</h2>
            <p>{terms}</p>
            {if empty {
                view! { <p>{t.report_none_owed}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" role="region" aria-labelledby=region tabindex="0">
                        <table>
                            <thead><tr><th scope="col">{t.report_col_debtor}</th>{heads}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

pub async fn compliance(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let today = chrono::Utc::now().date_naive();
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2000..=today.year()).contains(y))
        .unwrap_or(today.year());
    let sections = reporting::register(
        &state.db,
        Some(year),
        today,
        &state.settings.meetings.holidays,
    )
    .await?;
    let first = reporting::obligations(&state.db)
        .await?
        .iter()
        .map(|o| o.starts_on.year())
        .min()
        .unwrap_or(year)
        .min(year);
    let years = (first..=today.year())
        .map(|y| {
            if y == year {
                view! { <li><strong aria-current="page">{y}</strong></li> }.into_any()
            } else {
                view! { <li><a href=format!("/reporting?year={y}")>{y}</a></li> }.into_any()
            }
        })
        .collect_view();
    let body = sections
        .iter()
        .map(|s| section_view(s, lang, t))
        .collect_view();
    let signed_in = ctx.user.is_some();
    let title = fill(t.report_compliance_title, &[("year", &year)]);
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.report_compliance_heading>
                <h1>{title}</h1>
                <p>{t.report_compliance_intro}</p>
                <nav aria-label=t.report_years><ul class="inline">{years}</ul></nav>
                {signed_in.then(|| view! { <p><a class="button" href="/reporting/mine">{t.report_mine_title}</a></p> })}
                <p><a href="/reports">{t.report_batch_link}</a></p>
                {body}
                <crate::pages::open_data::DataLinks t=t lang=ctx.lang page="/reporting"/>
            </Layout>
        },
    ))
}

fn owed_list(owed: &[Owed], lang: Lang, t: &'static Tr, writable: bool) -> AnyView {
    let items = owed
        .iter()
        .map(|o| {
            let s = &o.subject;
            let label = o.cell.span.label();
            let due = fill(t.report_due_on, &[("due", &o.cell.due_on)]);
            let link = (writable && o.cell.span.end < chrono::Utc::now().date_naive())
                .then(|| write_url(s.debtor, &s.key, &label));
            let class = (o.cell.standing == Standing::Missing).then_some("overdue");
            view! {
                <li class=class>
                    {debtor_name(s.debtor, t)}": "{s.name(lang)}" · "{label.clone()}" · "{due}" · "
                    {standing_name(o.cell.standing, t)}
                    {o.draft.then(|| view! { " ("{t.report_draft}")" })}
                    {link.map(|href| view! { " — "<a href=href>{t.report_write}</a> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul>{items}</ul> }.into_any()
}

pub async fn mine(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.user.as_ref().ok_or(AppError::Unauthenticated)?;
    let person = user.person_id;
    let t = ctx.t();
    let today = chrono::Utc::now().date_naive();
    let owed = reporting::unfiled(&state.db, today, &state.settings.meetings.holidays, |s| {
        s.authors.contains(&person)
    })
    .await?;
    let list = (!owed.is_empty()).then(|| owed_list(&owed, ctx.lang, t, true));
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.report_mine_title>
                <p><a href="/reporting">{t.report_compliance_heading}</a></p>
                <h1>{t.report_mine_title}</h1>
                <p>{t.report_mine_intro}</p>
                {list.unwrap_or_else(|| view! { <p>{t.report_mine_empty}</p> }.into_any())}
            </Layout>
        },
    ))
}

/// The home page's box: the reports the visitor owes, and for a leader those the members and
/// projects of their collectives have not filed past their due day.
pub async fn home_section(state: &AppState, ctx: &Ctx) -> AppResult<Option<AnyView>> {
    let Some(user) = ctx.user.as_ref() else {
        return Ok(None);
    };
    let t = ctx.t();
    let today = chrono::Utc::now().date_naive();
    let person = user.person_id;
    let led = reporting::led_collectives(&state.db, person, today).await?;
    let all = reporting::unfiled(&state.db, today, &state.settings.meetings.holidays, |s| {
        s.authors.contains(&person)
            || (matches!(s.debtor, Debtor::Member | Debtor::Project)
                && s.collective_id.is_some_and(|c| led.contains(&c)))
    })
    .await?;
    let (mine, theirs): (Vec<Owed>, Vec<Owed>) = all
        .into_iter()
        .partition(|o| o.subject.authors.contains(&person));
    // what is due soon or missing, not next month's report of a period still under way
    let mine: Vec<Owed> = mine
        .into_iter()
        .filter(|o| o.cell.span.end < today)
        .collect();
    let theirs: Vec<Owed> = theirs
        .into_iter()
        .filter(|o| o.cell.standing == Standing::Missing)
        .collect();
    if mine.is_empty() && theirs.is_empty() {
        return Ok(None);
    }
    let lang = ctx.lang;
    let mine_view = (!mine.is_empty()).then(|| {
        view! {
            <h2 id="reports-title">{t.report_home_mine}</h2>
            {owed_list(&mine, lang, t, true)}
        }
    });
    let theirs_view = (!theirs.is_empty()).then(|| {
        view! {
            <h2>{t.report_home_collective}</h2>
            {owed_list(&theirs, lang, t, false)}
        }
    });
    Ok(Some(
        view! {
            <section aria-label=t.report_compliance_heading class="notice-box">
                {mine_view}
                {theirs_view}
                <p><a href="/reporting">{t.report_compliance_heading}</a></p>
            </section>
        }
        .into_any(),
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let r = reporting::report(&state.db, id).await?;
    if !r.filed() {
        return Err(AppError::NotFound);
    }
    let t = ctx.t();
    let lang = ctx.lang;
    let today = chrono::Utc::now().date_naive();
    let facts = r
        .facts()
        .into_iter()
        .map(|f| view! { <tr><th scope="row">{lang.pick(&f.label_es, &f.label_en)}</th><td>{f.value}</td></tr> })
        .collect_view();
    let answers = r.answers();
    let questions = r
        .debtor
        .questions()
        .iter()
        .map(|q| {
            let text = answers.get(q.key()).cloned().unwrap_or_default();
            view! { <h3>{question_label(*q, t)}</h3><p class="prewrap">{text}</p> }
        })
        .collect_view();
    let title = fill(
        t.report_title,
        &[("period", &r.period), ("subject", &r.subject_name(lang))],
    );
    let filed = fill(
        t.report_filed_by,
        &[
            (
                "at",
                &r.filed_at
                    .map(|a| crate::i18n::datetime(a.0))
                    .unwrap_or_default(),
            ),
            ("name", &r.author_name),
        ],
    );
    let standing = standing_name(r.standing(today), t);
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <p><a href="/reporting">{t.report_compliance_heading}</a></p>
                <h1>{title}</h1>
                <p><VerifiedBadge evidence_id=r.evidence_id.clone() t=t/></p>
                <dl class="facts">
                    <dt>{t.report_col_debtor}</dt><dd>{debtor_name(r.debtor, t)}</dd>
                    <dt>{t.report_col_to}</dt><dd>{recipient_name(r.debtor.recipient(), t)}</dd>
                    <dt>{t.report_col_due}</dt><dd>{r.due_on.to_string()}</dd>
                    <dt>{t.report_col_standing}</dt><dd>{standing}</dd>
                </dl>
                <p>{filed}</p>
                <p><a href=format!("/reporting/reports/{id}/report.pdf")>{t.report_pdf}</a></p>
                <h2>{t.report_facts}</h2>
                <div class="table-scroll" role="region" aria-label=t.report_facts tabindex="0">
                    <table><tbody>{facts}</tbody></table>
                </div>
                <h2>{t.report_answers}</h2>
                {questions}
            </Layout>
        },
    ))
}

pub async fn pdf(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let r = reporting::report(&state.db, id).await?;
    if !r.filed() {
        return Err(AppError::NotFound);
    }
    let name = format!(
        "informe-{}-{}.pdf",
        r.debtor.as_str(),
        r.period.replace('/', "-")
    );
    crate::pages::stored_pdf(&state, r.pdf_sha256.as_deref(), &name).await
}
