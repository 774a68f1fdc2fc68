//! `/advisory/apply`: the seat explained, the written application (letter and CV) or, for a
//! sitting member, the request for a second term, and the status of one's own applications.
//! `/advisory/applications`: the applications for the Executive Secretary and the
//! administrator; `/advisory/applications/{id}`: one application (also for its applicant), its
//! CV, and the Executive Council's decision recorded by its Secretary. `/advisory/removals`:
//! removals voted by the Executive Council ([`removals`]).

mod removals;

use crate::components::TextArea;
use crate::components::{CsrfInput, ErrorSummary, FormErrors, Layout, VerifiedBadge, term_text};
use crate::db::Ts;
use crate::domain::roles::Role;
use crate::i18n::{Tr, fill};
use crate::pages::refused_form;
use crate::services::advisory::{self, ApplicationRow, MAX_CV_BYTES, MAX_LETTER};
use crate::services::authority::{ApplicationsReader, CouncilSecretary};
use crate::services::seats::{self, SeatHolder};
use crate::web::{CsrfForm, Ctx, Upload, page, read_uploads, redirect};
use crate::{AppError, AppState};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::Utc;
use leptos::prelude::*;
use serde::Deserialize;

/// The largest application form accepted: the CV, the letter and the form's framing.
const MAX_FORM_BYTES: usize = MAX_CV_BYTES + 128 * 1024;

/// The routes of this page family.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/advisory/apply",
            get(apply_page)
                .post(apply)
                .layer(DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
        .route("/advisory/renewal", post(renewal))
        .route("/advisory/applications", get(list))
        .route("/advisory/applications/{id}", get(show))
        .route("/advisory/applications/{id}/cv", get(cv))
        .route("/advisory/applications/{id}/decision", post(decide))
        .route(
            "/advisory/removals",
            get(removals::list).post(removals::propose),
        )
}

fn status_text(status: &str, t: &'static Tr) -> &'static str {
    match status {
        "admitted" => t.adv_status_admitted,
        "rejected" => t.adv_status_rejected,
        _ => t.adv_status_submitted,
    }
}

fn kind_text(kind: &str, t: &'static Tr) -> &'static str {
    if kind == "renewal" {
        t.adv_kind_renewal
    } else {
        t.adv_kind_admission
    }
}

fn when(ts: &Ts) -> String {
    ts.0.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// What was typed in the application or renewal form, kept when it is refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LetterForm {
    letter: String,
}

/// Which of the two forms a refusal belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Admission,
    Renewal,
}

pub async fn apply_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_user()?;
    render_apply(
        &state,
        &ctx,
        &LetterForm::default(),
        None,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    mp: Multipart,
) -> Result<Response, AppError> {
    let user = ctx.signed()?;
    let parts = read_uploads(&ctx, mp, MAX_FORM_BYTES as u64).await?;
    let mut form = LetterForm::default();
    let mut file: Option<(String, String, Vec<u8>)> = None;
    for part in parts {
        match part {
            Upload::Text { name, value } if name == "letter" => form.letter = value,
            Upload::File {
                name,
                filename,
                content_type,
                bytes,
            } if name == "cv" && !bytes.is_empty() => file = Some((filename, content_type, bytes)),
            _ => {}
        }
    }
    let cv = file
        .as_ref()
        .map(|(f, c, b)| (f.as_str(), c.as_str(), b.as_slice()));
    match advisory::apply(&state, &user, &form.letter, cv, &ctx.actor()).await {
        Ok(id) => Ok(redirect(&format!("/advisory/applications/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_apply(
                &state,
                &ctx,
                &form,
                Some(Which::Admission),
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

pub async fn renewal(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<LetterForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match advisory::request_renewal(&state, &who, &form.letter, &ctx.actor()).await {
        Ok(id) => Ok(redirect(&format!("/advisory/applications/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render_apply(
                &state,
                &ctx,
                &form,
                Some(Which::Renewal),
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

/// The table of some applications; `with_person` adds the applicant's name and institution.
fn applications_table(
    rows: &[ApplicationRow],
    t: &'static Tr,
    with_person: bool,
    labelled_by: &'static str,
) -> impl IntoView + use<> {
    let body = rows
        .iter()
        .map(|a| {
            let link = view! { <a href=format!("/advisory/applications/{}", a.id)>{fill(t.adv_application_number, &[("id", &a.id)])}</a> };
            view! {
                <tr>
                    <th scope="row">{link}</th>
                    {with_person.then(|| view! {
                        <td>{a.full_name.clone()}</td>
                        <td>{a.institution.clone().unwrap_or_default()}</td>
                    })}
                    <td>{kind_text(&a.kind, t)}</td>
                    <td>{when(&a.submitted_at)}</td>
                    <td>{status_text(&a.status, t)}</td>
                    <td>{a.decided_at.as_ref().map(when).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-labelledby=labelled_by tabindex="0">
            <table>
                <thead><tr>
                    <th scope="col">{t.adv_col_application}</th>
                    {with_person.then(|| view! {
                        <th scope="col">{t.gov_col_person}</th>
                        <th scope="col">{t.gov_col_institution}</th>
                    })}
                    <th scope="col">{t.adv_col_kind}</th>
                    <th scope="col">{t.adv_col_submitted}</th>
                    <th scope="col">{t.col_state}</th>
                    <th scope="col">{t.adv_col_decided}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

async fn render_apply(
    state: &AppState,
    ctx: &Ctx,
    typed: &LetterForm,
    refused: Option<Which>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let user = ctx.require_user()?.clone();
    let t = ctx.t();
    let s = &state.settings.governance;
    let today = Utc::now().date_naive();
    let taken = seats::holders_on(&state.db, today)
        .await?
        .iter()
        .filter(|h| h.role() == Some(Role::AdvisoryMember))
        .count();
    let seat: Option<(SeatHolder, SeatHolder)> =
        advisory::seat_of(&state.db, user.person_id).await?;
    let mine = advisory::of_person(&state.db, user.person_id).await?;
    let pending = mine.iter().any(ApplicationRow::is_pending);
    let intro = fill(
        t.adv_apply_intro,
        &[
            ("max", &s.advisory_max),
            ("months", &s.advisory_term_months),
            ("renewals", &s.advisory_renewals),
        ],
    );
    let count = fill(
        t.gov_advisory_count,
        &[("count", &taken), ("max", &s.advisory_max)],
    );
    let letter_hint = fill(t.adv_letter_hint, &[("max", &MAX_LETTER)]);
    let renewal_hint = fill(t.adv_renewal_letter_hint, &[("max", &MAX_LETTER)]);
    let cv_hint = fill(t.adv_cv_hint, &[("max", &(MAX_CV_BYTES / (1024 * 1024)))]);
    let cv_error = errors.get("cv");
    let letter_error = errors.get("letter");
    let letter_value = typed.letter.clone();
    let admission_form = seat.is_none().then(|| {
        let described = if cv_error.is_some() {
            "cv-hint cv-error"
        } else {
            "cv-hint"
        };
        let cv_class = if cv_error.is_some() {
            "field field-invalid"
        } else {
            "field"
        };
        let errors = if refused == Some(Which::Admission) {
            errors.clone()
        } else {
            FormErrors::default()
        };
        let retype = (refused == Some(Which::Admission)).then(|| view! { <p class="hint">{t.adv_cv_again}</p> });
        view! {
            <section aria-labelledby="apply-form-title" class="narrow">
                <h2 id="apply-form-title">{t.adv_apply_form_title}</h2>
                {pending.then(|| view! { <p>{t.adv_apply_pending_note}</p> })}
                <ErrorSummary errors=errors t=t labels=vec![("letter", t.adv_letter), ("cv", t.adv_cv)]/>
                <form method="post" action="/advisory/apply" enctype="multipart/form-data" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <p class="hint" id="letter-hint">{letter_hint.clone()}</p>
                    <TextArea label=t.adv_letter name="letter" value=letter_value.clone() error=letter_error.clone() required=true/>
                    <div class=cv_class>
                        <label for="cv">{t.adv_cv}</label>
                        <p class="hint" id="cv-hint">{cv_hint.clone()}</p>
                        {retype}
                        {cv_error.clone().map(|e| view! { <p class="field-error" id="cv-error">{e}</p> })}
                        <input id="cv" name="cv" type="file" accept="application/pdf,.pdf" required=true
                            aria-describedby=described aria-invalid=cv_error.is_some().then_some("true")/>
                    </div>
                    <button type="submit" class="button">{t.adv_apply_submit}</button>
                </form>
            </section>
        }
    });
    let renewal_form = seat.as_ref().map(|(current, latest)| {
        let errors = if refused == Some(Which::Renewal) {
            errors.clone()
        } else {
            FormErrors::default()
        };
        let renewed = latest.office_id != current.office_id;
        view! {
            <section aria-labelledby="renewal-title" class="narrow">
                <h2 id="renewal-title">{t.adv_renewal_title}</h2>
                <p>{fill(t.adv_your_term, &[("term", &term_text(current, t))])}</p>
                {renewed.then(|| view! { <p>{fill(t.adv_already_renewed, &[("term", &term_text(latest, t))])}</p> })}
                <p>{fill(t.adv_renewal_intro, &[("renewals", &s.advisory_renewals)])}</p>
                <ErrorSummary errors=errors t=t labels=vec![("letter", t.adv_letter)]/>
                <form method="post" action="/advisory/renewal" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <p class="hint" id="letter-hint">{renewal_hint.clone()}</p>
                    <TextArea label=t.adv_letter name="letter" value=letter_value.clone() error=letter_error.clone() required=true/>
                    <button type="submit" class="button">{t.adv_renewal_submit}</button>
                </form>
            </section>
        }
    });
    // a refusal of the form this visitor no longer sees (e.g. a member posting an admission)
    let orphan = match refused {
        Some(Which::Admission) => seat.is_some(),
        Some(Which::Renewal) => seat.is_none(),
        None => false,
    };
    let orphan_errors = orphan.then(|| view! { <ErrorSummary errors=errors.clone() t=t/> });
    let can_read = ApplicationsReader::would_allow(ctx.user.as_ref());
    let mine_table = (!mine.is_empty()).then(|| applications_table(&mine, t, false, "mine-title"));
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.adv_apply_title>
                <p><a href="/councils#advisory">{t.body_advisory_council}</a></p>
                <h1>{t.adv_apply_title}</h1>
                {orphan_errors}
                <p>{intro}</p>
                <p>{count}</p>
                {can_read.then(|| view! { <p><a href="/advisory/applications">{t.adv_list_title}</a></p> })}
                {admission_form}
                {renewal_form}
                <h2 id="mine-title">{t.adv_mine_title}</h2>
                {mine.is_empty().then(|| view! { <p>{t.adv_mine_none}</p> })}
                {mine_table}
            </Layout>
        },
    ))
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ApplicationsReader::check(ctx.user.as_ref())?;
    let t = ctx.t();
    let all = advisory::list(&state.db).await?;
    let (pending, decided): (Vec<_>, Vec<_>) =
        all.into_iter().partition(ApplicationRow::is_pending);
    let pending_table =
        (!pending.is_empty()).then(|| applications_table(&pending, t, true, "pending-title"));
    let decided_table =
        (!decided.is_empty()).then(|| applications_table(&decided, t, true, "decided-title"));
    Ok(page(
        StatusCode::OK,
        view! {
            <Layout ctx=ctx.clone() title=t.adv_list_title>
                <p><a href="/councils#advisory">{t.body_advisory_council}</a></p>
                <h1>{t.adv_list_title}</h1>
                <p>{t.adv_list_intro}</p>
                <h2 id="pending-title">{t.adv_pending_title}</h2>
                {pending.is_empty().then(|| view! { <p>{t.adv_none_pending}</p> })}
                {pending_table}
                <h2 id="decided-title">{t.adv_decided_title}</h2>
                {decided.is_empty().then(|| view! { <p>{t.adv_none_decided}</p> })}
                {decided_table}
            </Layout>
        },
    ))
}

/// The application, if the visitor may read it: its applicant, the Executive Secretary or the
/// administrator.
async fn readable(state: &AppState, ctx: &Ctx, id: i64) -> Result<ApplicationRow, AppError> {
    let user = ctx.require_user()?;
    let application = advisory::get(&state.db, id).await;
    let reader = ApplicationsReader::would_allow(Some(user));
    match application {
        Ok(a) if reader || a.person_id == user.person_id => Ok(a),
        Err(e) if reader => Err(e),
        // others learn nothing, not even which applications exist
        _ => Err(AppError::Forbidden),
    }
}

/// What was typed in the decision form, kept when it is refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    note: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let application = readable(&state, &ctx, id).await?;
    render_show(
        &state,
        &ctx,
        application,
        &DecisionForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, AppError> {
    let secretary = CouncilSecretary::check(ctx.user.as_ref())?;
    let result = match form.decision.as_str() {
        "admit" => advisory::decide(&state, &secretary, id, true, &form.note, &ctx.actor()).await,
        "reject" => advisory::decide(&state, &secretary, id, false, &form.note, &ctx.actor()).await,
        _ => Err(crate::error::Invalid::one(
            "decision",
            advisory::AdvisoryProblem::DecisionRequired,
        )
        .into()),
    };
    match result {
        Ok(_) => Ok(redirect(&format!("/advisory/applications/{id}#status"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            let application = advisory::get(&state.db, id).await?;
            render_show(
                &state,
                &ctx,
                application,
                &form,
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

async fn render_show(
    state: &AppState,
    ctx: &Ctx,
    a: ApplicationRow,
    typed: &DecisionForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let t = ctx.t();
    let title = fill(
        t.adv_application_title,
        &[("id", &a.id), ("name", &a.full_name)],
    );
    let renews = match a.renews {
        Some(office) => Some(advisory::term(&state.db, office).await?),
        None => None,
    };
    let granted = match a.office_id {
        Some(office) => Some(advisory::term(&state.db, office).await?),
        None => None,
    };
    let can_decide = a.is_pending() && CouncilSecretary::would_allow(ctx.user.as_ref());
    let is_reader = ApplicationsReader::would_allow(ctx.user.as_ref());
    let cv = a.cv_sha256.as_ref().map(|hash| {
        view! {
            <p>
                <a href=format!("/advisory/applications/{}/cv", a.id) download=advisory::attachment_filename(&a.cv_filename)>
                    {fill(t.adv_cv_download, &[("name", &a.cv_filename)])}
                </a>
            </p>
            <p class="hint">{t.adv_cv_hash}" "<code>{hash.clone()}</code></p>
        }
    });
    let decision_form = can_decide.then(|| {
        let decision_error = errors.get("decision");
        let note_error = errors.get("note");
        let admit_checked = typed.decision == "admit";
        let reject_checked = typed.decision == "reject";
        view! {
            <section aria-labelledby="decision-title" class="narrow">
                <h2 id="decision-title">{t.adv_decision_title}</h2>
                <p>{t.adv_decision_intro}</p>
                <ErrorSummary errors=errors.clone() t=t labels=vec![("decision", t.adv_decision_legend), ("note", t.adv_decision_note)]/>
                <form method="post" action=format!("/advisory/applications/{}/decision", a.id) novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <fieldset id="decision">
                        <legend>{t.adv_decision_legend}</legend>
                        {decision_error.map(|e| view! { <p class="field-error">{e}</p> })}
                        <div class="field checkbox">
                            <input id="decision-admit" name="decision" type="radio" value="admit" checked=admit_checked/>
                            <label for="decision-admit">{t.adv_decision_admit}</label>
                        </div>
                        <div class="field checkbox">
                            <input id="decision-reject" name="decision" type="radio" value="reject" checked=reject_checked/>
                            <label for="decision-reject">{t.adv_decision_reject}</label>
                        </div>
                    </fieldset>
                    <p class="hint" id="note-hint">{t.adv_decision_note_hint}</p>
                    <TextArea label=t.adv_decision_note name="note" value=typed.note.clone() error=note_error/>
                    <button type="submit" class="button">{t.adv_decision_submit}</button>
                </form>
            </section>
        }
    });
    let general_errors = (!can_decide).then(|| view! { <ErrorSummary errors=errors.clone() t=t/> });
    let back = if is_reader {
        view! { <p><a href="/advisory/applications">{t.adv_list_title}</a></p> }.into_any()
    } else {
        view! { <p><a href="/advisory/apply">{t.adv_apply_title}</a></p> }.into_any()
    };
    let decided = a.decided_at.as_ref().map(when);
    let note = (!a.decision_note.is_empty()).then(|| a.decision_note.clone());
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                {back}
                <h1>{title.clone()}</h1>
                {general_errors}
                <dl class="facts">
                    <div><dt>{t.gov_col_person}</dt><dd>{a.full_name.clone()}</dd></div>
                    {a.institution.clone().map(|i| view! { <div><dt>{t.gov_col_institution}</dt><dd>{i}</dd></div> })}
                    <div><dt>{t.adv_col_kind}</dt><dd>{kind_text(&a.kind, t)}</dd></div>
                    <div><dt>{t.adv_col_submitted}</dt><dd>{when(&a.submitted_at)}</dd></div>
                    <div><dt>{t.col_state}</dt><dd id="status">{status_text(&a.status, t)}</dd></div>
                    {decided.map(|d| view! { <div><dt>{t.adv_col_decided}</dt><dd>{d}</dd></div> })}
                    {note.map(|n| view! { <div><dt>{t.adv_decision_note}</dt><dd class="prewrap">{n}</dd></div> })}
                    {renews.map(|h| view! { <div><dt>{t.adv_renews}</dt><dd>{term_text(&h, t)}</dd></div> })}
                    {granted.map(|h| view! {
                        <div><dt>{t.adv_granted}</dt><dd>{term_text(&h, t)}" "<VerifiedBadge evidence_id=h.evidence_id.clone() t=t/></dd></div>
                    })}
                </dl>
                <h2 id="letter-title">{t.adv_letter}</h2>
                <div class="prewrap">{a.letter.clone()}</div>
                {a.cv_sha256.is_some().then(|| view! { <h2>{t.adv_cv}</h2> })}
                {cv}
                {decision_form}
            </Layout>
        },
    ))
}

pub async fn cv(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let application = readable(&state, &ctx, id).await?;
    let (filename, bytes) = advisory::cv(&state, &application).await?;
    // a CV is personal data: downloaded, never shown inside the portal
    Ok(crate::pages::pdf_download(bytes, &filename))
}
