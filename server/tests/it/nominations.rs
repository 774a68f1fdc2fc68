//! The designation of the Executive Council over HTTP: collective leaders propose candidates, the
//! public page ranks them by the seed's criteria with the figures behind the rank, and the
//! Advisory Council designates after the seat rules, as a verifiable decision.

use crate::support::*;
use app::domain::governance::{GovernanceSettings, term_end};
use app::domain::roles::Role;
use chrono::NaiveDate;
use reqwest::StatusCode;

const PAGE: &str = "/councils/nominations";

async fn rename(app: &TestApp, person: i64, name: &str) {
    sqlx::query("UPDATE people SET full_name = ? WHERE id = ?")
        .bind(name)
        .bind(person)
        .execute(&app.state.db)
        .await
        .expect("rename");
}

/// Sets since when the person has been a member (their memberships, in any collective).
async fn member_since(app: &TestApp, person: i64, since: &str) {
    sqlx::query("UPDATE collective_memberships SET since = ? WHERE person_id = ?")
        .bind(since)
        .bind(person)
        .execute(&app.state.db)
        .await
        .expect("since");
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.state.db)
        .await
        .expect("count")
}

/// Two members of collective 1 with different seniority (Ana since 2018, Beto since 2023) and a
/// person who is not a member of the network (Carla); their person ids.
struct Nominees {
    ana: i64,
    beto: i64,
    carla: i64,
}

async fn nominees(app: &TestApp) -> Nominees {
    let (_, ana) = app.account_with_role(Role::Member).await;
    let (_, beto) = app.account_with_role(Role::Member).await;
    let (_, carla) = app.account_with_role(Role::Applicant).await;
    let (ana, beto, carla) = (
        person_of(app, ana).await,
        person_of(app, beto).await,
        person_of(app, carla).await,
    );
    rename(app, ana, "Ana Antigua").await;
    rename(app, beto, "Beto Reciente").await;
    rename(app, carla, "Carla Externa").await;
    member_since(app, ana, "2018-03-01").await;
    member_since(app, beto, "2023-01-01").await;
    Nominees { ana, beto, carla }
}

/// The form of a nomination for the nodes commission.
fn nodes<'a>(
    nominee: &'a str,
    profile: &'a str,
    projects: &'a str,
    years: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("role", "nodes_commission"),
        ("nominee", nominee),
        ("profile", profile),
        ("projects", projects),
        ("experience_years", years),
        ("grounds", "Opera nodos de la red desde su inicio."),
    ]
}

async fn nomination_id(app: &TestApp, person: i64, role: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT id FROM nominations WHERE person_id = ? AND role = ? ORDER BY id DESC",
    )
    .bind(person)
    .bind(role)
    .fetch_one(&app.state.db)
    .await
    .expect("nomination")
}

/// The leader proposes Beto (fewer years in the network, more projects) and then Ana for the
/// nodes commission of collective 1; returns their nomination ids.
async fn propose_both(app: &TestApp, leader: &Browser, n: &Nominees) -> (i64, i64) {
    let beto = n.beto.to_string();
    let r = leader
        .submit(PAGE, PAGE, &nodes(&beto, "technical", "9", "7"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let beto_nomination = nomination_id(app, n.beto, "nodes_commission").await;
    assert_eq!(location(&r), format!("{PAGE}#nomination-{beto_nomination}"));
    let ana = n.ana.to_string();
    let r = leader
        .submit(PAGE, PAGE, &nodes(&ana, "technical", "2", "3"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let ana_nomination = nomination_id(app, n.ana, "nodes_commission").await;
    (ana_nomination, beto_nomination)
}

#[tokio::test]
async fn leaders_propose_and_the_public_page_ranks_with_the_figures() {
    let app = TestApp::spawn().await;
    let (_, adviser) = app.account_with_role(Role::AdvisoryMember).await;
    let (leader, _) = app.browser_as(Role::CollectiveLeader).await;
    let n = nominees(&app).await;
    let (ana_nomination, beto_nomination) = propose_both(&app, &leader, &n).await;

    // the Advisory Council is told of each proposal
    let adviser_email: String = sqlx::query_scalar("SELECT email FROM accounts WHERE id = ?")
        .bind(adviser)
        .fetch_one(&app.state.db)
        .await
        .expect("email");
    for id in [ana_nomination, beto_nomination] {
        let mail = app::services::mail::by_topic(&app.state.db, &format!("nomination/{id}"))
            .await
            .expect("mail");
        assert!(
            mail.iter().any(|m| m.to_address == adviser_email),
            "{mail:?}"
        );
    }

    // the public ranking: seniority first (Ana, since 2018, above Beto despite his projects),
    // with the figures behind the rank, the proposer, and no e-mail addresses
    let (status, html) = app.browser().text(PAGE).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("@test.example"),
        "no e-mails on the public page"
    );
    let text = visible_text(&html);
    let today = chrono::Utc::now().date_naive();
    let days = |since: &str| {
        (today - NaiveDate::parse_from_str(since, "%Y-%m-%d").expect("date")).num_days()
    };
    assert!(
        text.contains("Comisión de nodos — Colectivo Académico"),
        "{text}"
    );
    assert!(text.contains("El cargo está vacante hoy."), "{text}");
    let ana_row = format!(
        "1 Ana Antigua {} días como miembro miembro desde el 2018-03-01 2 proyectos 3 años de experiencia perfil técnico Persona collective_leader",
        days("2018-03-01")
    );
    let beto_row = format!(
        "2 Beto Reciente {} días como miembro miembro desde el 2023-01-01 9 proyectos 7 años de experiencia perfil técnico Persona collective_leader",
        days("2023-01-01")
    );
    let (a, b) = (text.find(&ana_row), text.find(&beto_row));
    assert!(a.is_some() && b.is_some(), "{text}");
    assert!(a < b, "best first: {text}");
    assert!(text.contains("Opera nodos de la red desde su inicio."));
    // in English too
    let english = app.browser();
    english.get(&format!("/lang/en?next={PAGE}")).await;
    let text = visible_text(&english.text(PAGE).await.1);
    assert!(text.contains("Nodes commission"), "{text}");
    assert!(
        text.contains(&format!("{} days as member", days("2018-03-01"))),
        "{text}"
    );
    assert!(text.contains("9 projects"), "{text}");

    // only collective leaders propose; anonymous visitors are sent to log in
    let beto = n.beto.to_string();
    let proposal = nodes(&beto, "technical", "1", "1");
    let (member, _) = app.browser_as(Role::Member).await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    let admin = app.admin().await;
    for b in [&member, &secretary, &admin] {
        let r = b.submit(PAGE, PAGE, &proposal).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    // (the public page has no form for anonymous visitors: the token comes from the login page)
    let r = app.browser().submit("/login", PAGE, &proposal).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
    // the page offers the form to leaders only
    assert!(!visible_text(&member.text(PAGE).await.1).contains("Proponer una candidatura"));
    let leader_html = leader.text(PAGE).await.1;
    assert!(visible_text(&leader_html).contains("Proponer una candidatura"));
    let group = leader_html
        .split(r#"<optgroup label="Miembros del Colectivo Académico">"#)
        .nth(1)
        .and_then(|rest| rest.split("</optgroup>").next())
        .unwrap_or_else(|| panic!("the collective's members are offered: {leader_html}"));
    assert!(
        group.contains("Ana Antigua") && !group.contains("Carla Externa"),
        "{group}"
    );

    // a nominee outside the collective, a profile not matching the seat, a duplicate, bad figures
    let carla = n.carla.to_string();
    let r = leader
        .submit(PAGE, PAGE, &nodes(&carla, "technical", "1", "1"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(
        text.contains("La persona propuesta, o su institución, debe ser miembro del colectivo."),
        "{text}"
    );
    let ana = n.ana.to_string();
    let r = leader
        .submit(PAGE, PAGE, &nodes(&ana, "business", "1", "1"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    let text = visible_text(&html);
    assert!(
        text.contains("Este cargo requiere perfil técnico."),
        "{text}"
    );
    assert!(
        html.contains(r#"<option value="business" selected"#),
        "the form keeps what was typed"
    );
    let r = leader.submit(PAGE, PAGE, &proposal).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&r.text().await.expect("body")).contains("ya tiene una propuesta pendiente")
    );
    let r = leader
        .submit(PAGE, PAGE, &nodes(&ana, "technical", "5000", "-1"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(text.contains("entre 0 y 1000"), "{text}");
    assert!(text.contains("entre 0 y 80"), "{text}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM nominations").await, 2);

    // the Executive Secretary: any member of the network, no collective; the proposer withdraws
    let r = leader
        .submit(
            PAGE,
            PAGE,
            &[
                ("role", "executive_secretary"),
                ("nominee", &ana),
                ("projects", "4"),
                ("experience_years", "6"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let secretary_nomination = nomination_id(&app, n.ana, "executive_secretary").await;
    let collective: Option<i64> =
        sqlx::query_scalar("SELECT collective_id FROM nominations WHERE id = ?")
            .bind(secretary_nomination)
            .fetch_one(&app.state.db)
            .await
            .expect("nomination");
    assert_eq!(collective, None);
    let withdraw = format!("{PAGE}/{secretary_nomination}/withdraw");
    let r = member.submit(PAGE, &withdraw, &[]).await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "only the proposer withdraws"
    );
    let r = leader.submit(PAGE, &withdraw, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let status: String = sqlx::query_scalar("SELECT status FROM nominations WHERE id = ?")
        .bind(secretary_nomination)
        .fetch_one(&app.state.db)
        .await
        .expect("status");
    assert_eq!(status, "withdrawn");
    let actions: Vec<String> = app.audit_actions().await.into_iter().map(|a| a.0).collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "nomination.proposed")
            .count(),
        3
    );
    assert!(actions.iter().any(|a| a == "nomination.withdrawn"));
}

#[tokio::test]
async fn the_advisory_council_designates_and_the_decision_records_the_ranking() {
    let app = TestApp::spawn().await;
    let (leader, leader_account) = app.browser_as(Role::CollectiveLeader).await;
    let (adviser, _) = app.browser_as(Role::AdvisoryMember).await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    let n = nominees(&app).await;
    let (ana_nomination, beto_nomination) = propose_both(&app, &leader, &n).await;
    let today = chrono::Utc::now().date_naive();
    let start = today.to_string();
    let designate = format!("{PAGE}/{beto_nomination}/designate");

    // the Advisory Council designates; not a leader, nor the Secretary
    for b in [&leader, &secretary] {
        let r = b
            .submit(PAGE, &designate, &[("starts_on", start.as_str())])
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    assert!(visible_text(&adviser.text(PAGE).await.1).contains("Designar"));
    let r = adviser
        .submit(PAGE, &designate, &[("starts_on", "2020-01-01")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&r.text().await.expect("body"))
            .contains("El periodo no puede empezar antes de hoy.")
    );

    // the council may designate the second-ranked nominee
    let r = adviser
        .submit(PAGE, &designate, &[("starts_on", start.as_str())])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("{PAGE}#designations"));
    let (office, role, collective, starts_on, ends_on): (
        i64,
        String,
        Option<i64>,
        NaiveDate,
        Option<NaiveDate>,
    ) = sqlx::query_as(
        "SELECT id, role, collective_id, starts_on, ends_on FROM offices WHERE person_id = ? AND role = 'nodes_commission'",
    )
    .bind(n.beto)
    .fetch_one(&app.state.db)
    .await
    .expect("office");
    assert_eq!(
        (role.as_str(), collective, starts_on),
        ("nodes_commission", Some(1), today)
    );
    let settings = GovernanceSettings::default();
    assert_eq!(settings.council_term_months, 24);
    assert_eq!(ends_on, term_end(Role::NodesCommission, today, &settings));
    let statuses: Vec<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT id, status, office_id FROM nominations ORDER BY id")
            .fetch_all(&app.state.db)
            .await
            .expect("nominations");
    assert_eq!(
        statuses,
        vec![
            (beto_nomination, "designated".to_string(), Some(office)),
            (ana_nomination, "not_designated".to_string(), None),
        ]
    );
    let profile: String = sqlx::query_scalar("SELECT profile FROM people WHERE id = ?")
        .bind(n.beto)
        .fetch_one(&app.state.db)
        .await
        .expect("profile");
    assert_eq!(profile, "technical", "the declared profile is the person's");

    // the decision of record: the Advisory Council's, with the ranking behind it
    let reference = format!("appointment/{office}");
    let (event, body, data): (String, String, String) =
        sqlx::query_as("SELECT event, body, data_json FROM decisions WHERE ref = ?")
            .bind(&reference)
            .fetch_one(&app.state.db)
            .await
            .expect("decision");
    assert_eq!(
        (event.as_str(), body.as_str()),
        ("council-designated", "advisory-council")
    );
    let data: serde_json::Value = serde_json::from_str(&data).expect("json");
    let grounds = &data["grounds"];
    assert_eq!(grounds["nomination"], beto_nomination);
    assert_eq!(grounds["proposed_by"], "Persona collective_leader");
    assert_eq!(grounds["rank"], 2);
    let ranking = grounds["ranking"].as_array().expect("ranking");
    assert_eq!(ranking.len(), 2);
    assert_eq!(ranking[0]["person"]["name"], "Ana Antigua");
    assert_eq!(ranking[0]["rank"], 1);
    assert_eq!(ranking[0]["designated"], false);
    assert_eq!(ranking[0]["projects"], 2);
    assert_eq!(ranking[1]["person"]["name"], "Beto Reciente");
    assert_eq!(ranking[1]["rank"], 2);
    assert_eq!(ranking[1]["designated"], true);
    assert_eq!(ranking[1]["experience_years"], 7);
    let days = (today - NaiveDate::from_ymd_opt(2023, 1, 1).expect("date")).num_days();
    assert_eq!(ranking[1]["seniority_days"], days);
    let evidence = evidence_of(&app, &reference).await;

    // the new member of the nodes commission is public, with the verifiable decision
    let councils = visible_text(&app.browser().text("/councils").await.1);
    assert!(councils.contains("Beto Reciente"), "{councils}");
    let (_, html) = app.browser().text(PAGE).await;
    assert!(html.contains(&format!("/v/{evidence}")), "{html}");
    let text = visible_text(&html);
    assert!(text.contains("2.º de 2"), "{text}");
    assert!(text.contains("No hay candidaturas pendientes"), "{text}");

    // the nominee and the proposer are told
    let mail = app::services::mail::by_topic(
        &app.state.db,
        &format!("nomination-designated/{beto_nomination}"),
    )
    .await
    .expect("mail");
    let leader_email: String = sqlx::query_scalar("SELECT email FROM accounts WHERE id = ?")
        .bind(leader_account)
        .fetch_one(&app.state.db)
        .await
        .expect("email");
    assert_eq!(mail.len(), 2, "{mail:?}");
    assert!(mail.iter().any(|m| m.to_address == leader_email));

    // a decided nomination is not designated again
    let r = adviser
        .submit(
            PAGE,
            &format!("{PAGE}/{ana_nomination}/designate"),
            &[("starts_on", start.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("ya no está pendiente"));
}

#[tokio::test]
async fn a_seat_already_held_refuses_the_designation_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (_, holder) = app.account_with_role(Role::NodesCommission).await;
    let holder = person_of(&app, holder).await;
    rename(&app, holder, "Hilda Titular").await;
    let (leader, _) = app.browser_as(Role::CollectiveLeader).await;
    let (adviser, _) = app.browser_as(Role::AdvisoryMember).await;
    let n = nominees(&app).await;
    let (ana_nomination, _) = propose_both(&app, &leader, &n).await;
    let text = visible_text(&app.browser().text(PAGE).await.1);
    assert!(text.contains("Titular actual: Hilda Titular"), "{text}");

    let offices = count(&app, "SELECT COUNT(*) FROM offices").await;
    let decisions = count(&app, "SELECT COUNT(*) FROM decisions").await;
    let audit = count(&app, "SELECT COUNT(*) FROM audit_log").await;
    let start = chrono::Utc::now().date_naive().to_string();
    let r = adviser
        .submit(
            PAGE,
            &format!("{PAGE}/{ana_nomination}/designate"),
            &[("starts_on", start.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(
        text.contains("Los 1 lugares de este cargo están ocupados en ese periodo."),
        "{text}"
    );

    // nothing changed: no office, no decision, no audit entry, the profile and the proposals
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offices").await, offices);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM decisions").await,
        decisions
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log").await, audit);
    let profile: String = sqlx::query_scalar("SELECT profile FROM people WHERE id = ?")
        .bind(n.ana)
        .fetch_one(&app.state.db)
        .await
        .expect("profile");
    assert_eq!(profile, "");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM nominations WHERE status = 'proposed' AND office_id IS NULL"
        )
        .await,
        2
    );
}
