//! The governance workflows over HTTP, each tried by the roles that may act and by those that may
//! not: a call for leaders (opened, applied to, put to the Executive Council's vote at a meeting,
//! elected), a leader's renewal decided by the members' vote with liquid delegation, the seat
//! rules on the administrator's grants, and the terms calendar.

use crate::meetings::{fields, meeting_form};
use crate::minutes::{Council, council, meeting_day};
use crate::support::*;
use app::domain::roles::Role;
use reqwest::StatusCode;

async fn set_institution(app: &TestApp, account: i64, name: &str) {
    sqlx::query("INSERT INTO institutions (name, sector, created_at) VALUES (?, 'academic', '2020-01-01T00:00:00.000Z') ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .execute(&app.state.db)
        .await
        .expect("institution");
    sqlx::query("UPDATE people SET institution_id = (SELECT id FROM institutions WHERE name = ?) WHERE id = (SELECT person_id FROM accounts WHERE id = ?)")
        .bind(name)
        .bind(account)
        .execute(&app.state.db)
        .await
        .expect("set institution");
}

#[tokio::test]
async fn a_call_is_opened_applied_to_and_decided_by_the_roles_that_may() {
    let app = TestApp::spawn_with(crate::meetings::small_council).await;
    let admin = app.admin().await;
    let Council {
        secretary, seats, ..
    } = council(&app).await;
    let (member_email, member) = app.account_with_role(Role::Member).await;
    let (other_email, other) = app.account_with_role(Role::Member).await;
    let (outsider, _) = app.browser_as(Role::Applicant).await;
    set_institution(&app, member, "Universidad A").await;
    set_institution(&app, other, "Universidad B").await;
    let today = chrono::Utc::now().date_naive().to_string();
    let call = [
        ("collective_id", "1"),
        ("seats", "1"),
        ("closes_on", today.as_str()),
        ("term_starts_on", today.as_str()),
        ("description_es", "Convocatoria de prueba"),
        ("description_en", "Test call"),
    ];

    // only the administrator and the Executive Secretary open calls
    let candidate = login_as(&app, &member_email).await;
    let r = candidate.submit("/calls", "/calls", &call).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.browser().post_raw("/calls", &call).await;
    assert!(
        location(&r).starts_with("/login?next="),
        "anonymous: sent to sign in, no call"
    );
    // bad input is refused beside its field and the form keeps what was typed
    let mut bad = call.to_vec();
    bad[1] = ("seats", "9");
    bad[2] = ("closes_on", "2020-01-01");
    let r = admin.submit("/calls/new", "/calls", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(text.contains("Entre 1 y 3 lugares"), "{text}");
    assert!(
        text.contains("La fecha límite no puede haber pasado"),
        "{text}"
    );
    let r = admin.submit("/calls/new", "/calls", &call).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let call_id: i64 = page.trim_start_matches("/calls/").parse().expect("call id");
    assert!(visible_text(&app.browser().text("/calls").await.1).contains("Colectivo Académico"));

    // members of the collective apply; others may not; nobody applies twice
    let apply = format!("/calls/{call_id}/candidacies");
    let r = candidate
        .submit(
            &page,
            &apply,
            &[("statement", "Propongo coordinar los nodos académicos.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = candidate
        .submit(&page, &apply, &[("statement", "Otra vez")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("Ya presentó una candidatura"));
    let second = login_as(&app, &other_email).await;
    let r = second.submit(&page, &apply, &[("statement", "")]).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a statement is required"
    );
    let r = second
        .submit(
            &page,
            &apply,
            &[("statement", "Experiencia en gobierno abierto.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = outsider
        .submit(&page, &apply, &[("statement", "No soy miembro.")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&r.text().await.expect("body")).contains("Solo pueden postularse miembros")
    );

    let candidacy: i64 =
        sqlx::query_scalar("SELECT id FROM candidacies WHERE call_id = ? AND person_id = ?")
            .bind(call_id)
            .bind(person_of(&app, member).await)
            .fetch_one(&app.state.db)
            .await
            .expect("candidacy");
    let elect = format!("/calls/{call_id}/election");
    let choice = candidacy.to_string();
    // the election is the Executive Council's, put to its vote by its Secretary only
    for b in [&admin, &candidate] {
        let r = b.submit(&page, &elect, &[("elected", &choice)]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    // it needs a meeting of the Council after the call closes; more than the seats is refused
    let r = secretary
        .submit(&page, &elect, &[("elected", &choice), ("meeting", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("Elija una sesión del Consejo"));
    let r = secretary
        .submit(
            "/meetings/new",
            "/meetings",
            &fields(&meeting_form(&meeting_day())),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let meeting_page = location(&r);
    let meeting = meeting_page.trim_start_matches("/meetings/").to_string();
    let all: Vec<i64> = sqlx::query_scalar("SELECT id FROM candidacies WHERE call_id = ?")
        .bind(call_id)
        .fetch_all(&app.state.db)
        .await
        .expect("candidacies");
    let (a, b) = (all[0].to_string(), all[1].to_string());
    let r = secretary
        .submit(
            &page,
            &elect,
            &[("elected", &a), ("elected", &b), ("meeting", &meeting)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(text.contains("La convocatoria tiene 1 lugar"), "{text}");
    let r = secretary
        .submit(
            &page,
            &elect,
            &[("elected", &choice), ("meeting", &meeting)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&format!("{meeting_page}#item-")));
    // once on an agenda it is not put to a vote again while that vote is ahead
    let r = secretary
        .submit(
            &page,
            &elect,
            &[("elected", &choice), ("meeting", &meeting)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("ya está en el orden del día"));
    assert!(
        visible_text(&secretary.text(&page).await.1)
            .contains("En el orden del día, pendiente de votarse")
    );
    let undecided: String = sqlx::query_scalar("SELECT status FROM calls WHERE id = ?")
        .bind(call_id)
        .fetch_one(&app.state.db)
        .await
        .expect("call");
    assert_eq!(undecided, "open", "nothing is elected before the vote");

    // the Council meets, votes the motion seat by seat, and the slate takes office
    let item: i64 = sqlx::query_scalar("SELECT id FROM agenda_items WHERE elects_call = ?")
        .bind(call_id)
        .fetch_one(&app.state.db)
        .await
        .expect("item");
    let r = secretary
        .submit(&meeting_page, &format!("{meeting_page}/convene"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for s in &seats {
        let r = secretary
            .submit(
                &meeting_page,
                &format!("{meeting_page}/attendance"),
                &[("person", s), ("presence", "in_person"), ("proxy", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = secretary
        .submit(&meeting_page, &format!("{meeting_page}/open"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    crate::minutes::vote(&app, &secretary, &meeting_page, item, &seats).await;
    let mut elected = None;
    for _ in 0..200 {
        elected = sqlx::query_scalar(
            "SELECT office_id FROM candidacies WHERE id = ? AND status = 'elected'",
        )
        .bind(candidacy)
        .fetch_optional(&app.state.db)
        .await
        .expect("candidacy");
        if elected.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let office: i64 = elected.expect("the motions worker elected the slate within 10 s");
    // the elected candidate leads the collective from the term's start, and the decision is in the log
    let evidence = evidence_of(&app, &format!("appointment/{office}")).await;
    let data: String = sqlx::query_scalar("SELECT data_json FROM decisions WHERE ref = ?")
        .bind(format!("appointment/{office}"))
        .fetch_one(&app.state.db)
        .await
        .expect("decision");
    let data: serde_json::Value = serde_json::from_str(&data).expect("json");
    assert_eq!(data["event"], "leader-elected");
    assert_eq!(data["role"], "collective_leader");
    assert_eq!(data["grounds"]["call"]["id"], call_id);
    assert_eq!(
        data["grounds"]["candidacies"].as_array().map(Vec::len),
        Some(2)
    );
    let vote: i64 = sqlx::query_scalar("SELECT vote_id FROM agenda_items WHERE id = ?")
        .bind(item)
        .fetch_one(&app.state.db)
        .await
        .expect("vote");
    assert_eq!(data["grounds"]["decided_by"]["vote"], vote);
    assert_eq!(
        data["grounds"]["decided_by"]["meeting"].to_string(),
        meeting
    );
    assert!(
        visible_text(&app.browser().text(&page).await.1)
            .contains("Aprobada: la planilla fue elegida")
    );
    let public = app.browser().text("/collectives/academico").await.1;
    assert!(
        public.contains(&format!("/v/{evidence}")),
        "the leader's row links to its decision"
    );
    assert!(visible_text(&public).contains("Decisión verificable"));
    let (status, verified) = app.browser().text(&format!("/v/{evidence}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&verified).contains("governance.leader-elected"));
    let states: Vec<String> =
        sqlx::query_scalar("SELECT status FROM candidacies WHERE call_id = ? ORDER BY id")
            .bind(call_id)
            .fetch_all(&app.state.db)
            .await
            .expect("states");
    assert_eq!(states, ["elected", "not_elected"]);
    // decided: no more candidacies or elections
    let r = secretary
        .submit(&page, &elect, &[("elected", &b), ("meeting", &meeting)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // a second call: the seat rules refuse a leader from the same institution as a sitting one
    let r = admin.submit("/calls/new", "/calls", &call).await;
    let page = location(&r);
    let call2: i64 = page.trim_start_matches("/calls/").parse().expect("call id");
    let (same_email, same) = app.account_with_role(Role::Member).await;
    set_institution(&app, same, "Universidad A").await;
    let same_b = login_as(&app, &same_email).await;
    let r = same_b
        .submit(
            &page,
            &format!("/calls/{call2}/candidacies"),
            &[("statement", "Yo también")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let c2: i64 = sqlx::query_scalar("SELECT id FROM candidacies WHERE call_id = ?")
        .bind(call2)
        .fetch_one(&app.state.db)
        .await
        .expect("candidacy");
    let r = secretary
        .submit(
            &page,
            &format!("/calls/{call2}/election"),
            &[("elected", &c2.to_string()), ("meeting", &meeting)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(text.contains("misma institución"), "{text}");
    let open: String = sqlx::query_scalar("SELECT status FROM calls WHERE id = ?")
        .bind(call2)
        .fetch_one(&app.state.db)
        .await
        .expect("call");
    assert_eq!(open, "open", "a refused election changes nothing");
    let items: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agenda_items WHERE elects_call = ?")
        .bind(call2)
        .fetch_one(&app.state.db)
        .await
        .expect("items");
    assert_eq!(
        items, 0,
        "the seat rules refuse the slate before it reaches an agenda"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_leaders_renewal_is_decided_by_the_members_with_liquid_delegation() {
    let app = TestApp::spawn().await;
    let (leader_email, leader) = app.account_with_role(Role::CollectiveLeader).await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    let mut members = Vec::new();
    for _ in 0..3 {
        let (email, id) = app.account_with_role(Role::Member).await;
        members.push((login_as(&app, &email).await, person_of(&app, id).await));
    }
    let (outsider, _) = app.browser_as(Role::Applicant).await;
    let leader_b = login_as(&app, &leader_email).await;
    let office: i64 = sqlx::query_scalar("SELECT o.id FROM offices o JOIN accounts a ON a.person_id = o.person_id WHERE a.id = ? AND o.role = 'collective_leader'")
        .bind(leader)
        .fetch_one(&app.state.db)
        .await
        .expect("office");
    let closes = (chrono::Utc::now().date_naive() + chrono::Days::new(7)).to_string();
    let renew = [
        ("office_id", office.to_string()),
        ("closes_on", closes.clone()),
    ];
    let renew: Vec<(&str, &str)> = renew.iter().map(|(k, v)| (*k, v.as_str())).collect();

    // only the collective's leaders, the Secretary or the administrator put a renewal to a vote
    let r = members[0]
        .0
        .submit(
            "/collectives/academico",
            "/collectives/academico/renewals",
            &renew,
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = leader_b
        .submit(
            "/collectives/academico",
            "/collectives/academico/renewals",
            &renew,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let vote_page = location(&r);
    let vote: i64 = vote_page
        .trim_start_matches("/votes/")
        .parse()
        .expect("vote id");
    // while the vote is open, the collective's page leads to it instead of offering another
    let html = leader_b.text("/collectives/academico").await.1;
    assert!(
        !html.contains("action=\"/collectives/academico/renewals\""),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"{vote_page}\"")), "{html}");
    assert!(visible_text(&html).contains("En votación: ver la votación"));
    let r = leader_b
        .submit(
            "/collectives/academico",
            "/collectives/academico/renewals",
            &renew,
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "one renewal vote at a time"
    );

    // A delegates to B; C delegates to A (a chain); B delegating to C would close a cycle
    let scope = "collective:1";
    let [(a, a_id), (b, b_id), (c, _)] = &members[..] else {
        panic!()
    };
    let delegate = |to: i64| vec![("scope", scope.to_string()), ("to", to.to_string())];
    let fields = |v: &Vec<(&'static str, String)>| {
        v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    for (who, to) in [(a, *b_id), (c, *a_id)] {
        let f = fields(&delegate(to));
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = who
            .submit("/account/delegations", "/account/delegations", &f)
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let c_person = members[2].1;
    let f = fields(&delegate(c_person));
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b
        .submit("/account/delegations", "/account/delegations", &f)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("ciclo"));
    let f = fields(&delegate(*b_id));
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b
        .submit("/account/delegations", "/account/delegations", &f)
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not to oneself"
    );

    // B votes yes: A and C follow the chain to B
    let ballot = format!("/votes/{vote}/ballot");
    let r = b.submit(&vote_page, &ballot, &[("choice", "yes")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = outsider
        .submit(&vote_page, &ballot, &[("choice", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("No está en el padrón"));
    let r = b.submit(&vote_page, &ballot, &[("choice", "maybe")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A votes no directly: that overrides A's delegation, and C (who delegated to A) follows A
    let r = a.submit(&vote_page, &ballot, &[("choice", "no")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // the leader votes no: 1 yes, 3 no (2 direct, 1 delegated) → rejected
    let r = leader_b
        .submit(&vote_page, &ballot, &[("choice", "no")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // only the Secretary or the administrator close a vote early
    let close = format!("/votes/{vote}/close");
    let r = members[0].0.submit(&vote_page, &close, &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = secretary.submit(&vote_page, &close, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let result: String = sqlx::query_scalar("SELECT result_json FROM votes WHERE id = ?")
        .bind(vote)
        .fetch_one(&app.state.db)
        .await
        .expect("result");
    let result: serde_json::Value = serde_json::from_str(&result).expect("json");
    assert_eq!(result["outcome"], "rejected");
    assert_eq!(result["yes"]["direct"], 1);
    assert_eq!(result["no"]["direct"], 2);
    assert_eq!(result["no"]["delegated"], 1);
    assert_eq!(result["eligible"], 4);
    assert!(
        result.get("resolution").is_none(),
        "a secret vote publishes only the totals"
    );
    evidence_of(&app, &format!("vote/{vote}")).await;
    let renewed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offices WHERE renews = ?")
        .bind(office)
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(renewed, 0, "a rejected renewal appoints nothing");
    let r = a.submit(&vote_page, &ballot, &[("choice", "yes")]).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the result is frozen"
    );

    // a second vote: A revokes the delegation and abstains, B votes yes, C's chain now stops at A → approved
    let r = leader_b
        .submit(
            "/collectives/academico",
            "/collectives/academico/renewals",
            &renew,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let vote_page = location(&r);
    let vote: i64 = vote_page
        .trim_start_matches("/votes/")
        .parse()
        .expect("vote id");
    let ballot = format!("/votes/{vote}/ballot");
    let mine: i64 = sqlx::query_scalar(
        "SELECT id FROM delegations WHERE from_person = ? AND revoked_at IS NULL",
    )
    .bind(a_id)
    .fetch_one(&app.state.db)
    .await
    .expect("delegation");
    let r = a
        .submit(
            "/account/delegations",
            &format!("/account/delegations/{mine}/revoke"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for (who, choice) in [(b, "yes"), (&leader_b, "yes")] {
        let r = who.submit(&vote_page, &ballot, &[("choice", choice)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = secretary
        .submit(&vote_page, &format!("/votes/{vote}/close"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = visible_text(&app.browser().text(&vote_page).await.1);
    assert!(page.contains("Aprobado"), "{page}");
    let (renewal, starts): (i64, chrono::NaiveDate) =
        sqlx::query_as("SELECT id, starts_on FROM offices WHERE renews = ?")
            .bind(office)
            .fetch_one(&app.state.db)
            .await
            .expect("renewal");
    let ends: chrono::NaiveDate = sqlx::query_scalar("SELECT ends_on FROM offices WHERE id = ?")
        .bind(office)
        .fetch_one(&app.state.db)
        .await
        .expect("end");
    assert_eq!(
        starts,
        ends.succ_opt().expect("next day"),
        "the renewal continues the term"
    );
    let event: String = sqlx::query_scalar("SELECT event FROM decisions WHERE ref = ?")
        .bind(format!("appointment/{renewal}"))
        .fetch_one(&app.state.db)
        .await
        .expect("decision");
    assert_eq!(event, "leader-renewed");
    app.stop().await;
}

#[tokio::test]
async fn the_administrators_grants_follow_the_seat_rules() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    app.account_with_role(Role::ExecutiveSecretary).await;
    let (_, target) = app.account_with_role(Role::Applicant).await;
    let page = format!("/admin/accounts/{target}");
    let r = admin
        .submit(
            &page,
            &format!("/admin/accounts/{target}/offices"),
            &[("role", "executive_secretary")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(
        text.contains("lugares de este cargo están ocupados"),
        "{text}"
    );
    // a commission seat needs membership of the collective and the seat's profile
    let r = admin
        .submit(
            &page,
            &format!("/admin/accounts/{target}/offices"),
            &[("role", "nodes_commission"), ("collective_id", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

#[tokio::test]
async fn the_terms_calendar_announces_endings_once_and_records_ended_terms() {
    let app = TestApp::spawn().await;
    let (_, leader) = app.account_with_role(Role::CollectiveLeader).await;
    app.account_with_role(Role::ExecutiveSecretary).await;
    let (office, ends): (i64, chrono::NaiveDate) = sqlx::query_as("SELECT o.id, o.ends_on FROM offices o JOIN accounts a ON a.person_id = o.person_id WHERE a.id = ? AND o.role = 'collective_leader'")
        .bind(leader)
        .fetch_one(&app.state.db)
        .await
        .expect("office");
    let calendar = |day| app::services::seats::run_calendar(&app.state, day);
    let before = ends - chrono::Days::new(61);
    assert_eq!(
        calendar(before).await.expect("calendar").notices_queued,
        0,
        "not yet within 60 days"
    );
    let soon = ends - chrono::Days::new(59);
    let pass = calendar(soon).await.expect("calendar");
    assert_eq!(pass.notices_queued, 2, "the leader and the Secretary");
    assert_eq!(
        calendar(soon).await.expect("calendar").notices_queued,
        0,
        "once per term"
    );
    let mail = app::services::mail::by_topic(&app.state.db, &format!("term-ending/{office}"))
        .await
        .expect("outbox");
    assert_eq!(mail.len(), 2);
    assert!(
        mail.iter()
            .all(|m| m.status == "queued" && m.subject.contains("Fin de periodo"))
    );
    let after = ends + chrono::Days::new(1);
    assert_eq!(calendar(after).await.expect("calendar").terms_ended, 1);
    assert_eq!(calendar(after).await.expect("calendar").terms_ended, 0);
    evidence_of(&app, &format!("term-ended/{office}")).await;
    app.stop().await;
}

#[tokio::test]
async fn a_new_collective_is_requested_and_created_by_the_executive_council() {
    let app = TestApp::spawn().await;
    let (applicant, _) = app.browser_as(Role::Applicant).await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    let admin = app.admin().await;
    let page = "/collectives/request";
    let r = app.browser().get(page).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "anonymous visitors log in first"
    );
    // the commitment to keep a node is required, and what was typed is kept
    let mut form = vec![
        ("name_es", "Colectivo de Cooperativas"),
        ("name_en", "Cooperatives Collective"),
        ("sector", "other"),
        (
            "justification",
            "Las cooperativas operan nodos en tres estados.",
        ),
    ];
    let r = applicant.submit(page, page, &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(visible_text(&html).contains("comprometerse a mantener al menos un nodo"));
    assert!(html.contains("Las cooperativas operan nodos en tres estados."));
    let r = applicant
        .submit(
            page,
            page,
            &[
                ("name_es", "Colectivo Académico"),
                ("name_en", "x"),
                ("sector", "nope"),
                ("justification", "x"),
                ("node_commitment", "on"),
            ],
        )
        .await;
    let text = visible_text(&r.text().await.expect("body"));
    assert!(
        text.contains("Ya existe un colectivo con ese nombre"),
        "{text}"
    );
    assert!(text.contains("Elija un sector"), "{text}");
    form.push(("node_commitment", "on"));
    let r = applicant.submit(page, page, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = applicant.submit(page, page, &form).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "one pending request at a time"
    );
    let id: i64 = sqlx::query_scalar("SELECT id FROM collective_requests")
        .fetch_one(&app.state.db)
        .await
        .expect("request");
    // only the Secretary records the council's decision; the administrator may read
    let action = format!("/collectives/requests/{id}/decision");
    assert_eq!(
        admin.get("/collectives/requests").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        applicant.get("/collectives/requests").await.status(),
        StatusCode::FORBIDDEN
    );
    for b in [&admin, &applicant] {
        let r = b
            .submit("/account", &action, &[("decision", "approve")])
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    let r = secretary
        .submit(
            "/collectives/requests",
            &action,
            &[("decision", "reject"), ("note", "")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejection gives its reason"
    );
    let r = secretary
        .submit(
            "/collectives/requests",
            &action,
            &[("decision", "approve"), ("note", "Acuerdo CE-2026-11")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/collectives/colectivo-de-cooperativas");
    let evidence = evidence_of(&app, "collective-created/colectivo-de-cooperativas").await;
    let text = visible_text(&app.browser().text("/collectives").await.1);
    assert!(text.contains("Colectivo de Cooperativas"), "{text}");
    let register = app
        .browser()
        .text("/decisions?event=collective-created")
        .await
        .1;
    assert!(register.contains(&format!("/v/{evidence}")));
    assert!(visible_text(&register).contains("Colectivo de Cooperativas"));
    let filtered = visible_text(&app.browser().text("/decisions?event=vote-result").await.1);
    assert!(
        !filtered.contains("Colectivo de Cooperativas"),
        "the filter narrows the register"
    );
    let r = secretary
        .submit("/collectives/requests", &action, &[("decision", "approve")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "decided once");
    app.stop().await;
}

#[tokio::test]
async fn institutions_and_memberships_are_kept_by_the_administrator() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let page = "/admin/institutions";
    let form = [
        ("name", "Universidad de Prueba"),
        ("short_name", "UP"),
        ("sector", "academic"),
        ("kind", "universidad"),
        ("tax_id", "upr010101aaa"),
        ("website", "https://up.example"),
    ];
    for role in [
        Role::Member,
        Role::ExecutiveSecretary,
        Role::CollectiveLeader,
    ] {
        let (b, _) = app.browser_as(role).await;
        assert_eq!(
            b.get(page).await.status(),
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        let r = b.submit("/account", page, &form).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role:?}");
        let r = b
            .submit(
                "/account",
                "/admin/memberships",
                &[
                    ("institution_id", "1"),
                    ("collective_id", "1"),
                    ("since", "2024-01-01"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role:?}");
    }
    let r = admin.submit(page, page, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut bad = form.to_vec();
    bad[5] = ("website", "up.example");
    let r = admin.submit(page, page, &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(
        text.contains("Ya existe una institución con ese nombre"),
        "{text}"
    );
    assert!(text.contains("https://"), "{text}");
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM institutions WHERE name = 'Universidad de Prueba'")
            .fetch_one(&app.state.db)
            .await
            .expect("institution");
    let membership = [
        ("institution_id", id.to_string()),
        ("collective_id", "1".into()),
        ("since", "2019-05-01".into()),
    ];
    let membership: Vec<(&str, &str)> = membership.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.submit(page, "/admin/memberships", &membership).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = admin.submit(page, "/admin/memberships", &membership).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "already a member"
    );
    let public = visible_text(&app.browser().text("/collectives/academico").await.1);
    assert!(
        public.contains("Universidad de Prueba") && public.contains("2019-05-01"),
        "{public}"
    );
    let m: i64 =
        sqlx::query_scalar("SELECT id FROM collective_memberships WHERE institution_id = ?")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .expect("membership");
    let r = admin
        .submit(
            page,
            &format!("/admin/memberships/{m}/end"),
            &[("until", "2018-01-01")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not before it started"
    );
    let r = admin
        .submit(
            page,
            &format!("/admin/memberships/{m}/end"),
            &[("until", "2020-01-01")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let public = visible_text(&app.browser().text("/collectives/academico").await.1);
    assert!(
        !public.contains("Universidad de Prueba"),
        "an ended membership is not current"
    );
    let audit = app.audit_actions().await;
    for action in [
        "institution.created",
        "membership.created",
        "membership.ended",
    ] {
        assert!(audit.iter().any(|a| a.0 == action), "{action}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_recorded_vote_shows_how_each_members_weight_was_counted() {
    let app = TestApp::spawn_with(|s| {
        s.governance.renewal_secret = false;
        s.governance.renewal_majority = app::domain::voting::Majority::Absolute;
    })
    .await;
    let (leader_email, leader) = app.account_with_role(Role::CollectiveLeader).await;
    let leader_b = login_as(&app, &leader_email).await;
    let (a_email, a) = app.account_with_role(Role::Member).await;
    let (b_email, b) = app.account_with_role(Role::Member).await;
    let (a_b, b_b) = (
        login_as(&app, &a_email).await,
        login_as(&app, &b_email).await,
    );
    for (account, name) in [
        (a, "Ana Delegante"),
        (b, "Beto Delegado"),
        (leader, "Lía Líder"),
    ] {
        sqlx::query("UPDATE people SET full_name = ? WHERE id = (SELECT person_id FROM accounts WHERE id = ?)")
            .bind(name)
            .bind(account)
            .execute(&app.state.db)
            .await
            .expect("name");
    }
    let to = person_of(&app, b).await.to_string();
    let r = a_b
        .submit(
            "/account/delegations",
            "/account/delegations",
            &[("scope", "collective:1"), ("to", &to)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let office: i64 = sqlx::query_scalar("SELECT o.id FROM offices o JOIN accounts a ON a.person_id = o.person_id WHERE a.id = ? AND o.role = 'collective_leader'")
        .bind(leader)
        .fetch_one(&app.state.db)
        .await
        .expect("office");
    let closes = (chrono::Utc::now().date_naive() + chrono::Days::new(3)).to_string();
    let r = leader_b
        .submit(
            "/collectives/academico",
            "/collectives/academico/renewals",
            &[("office_id", &office.to_string()), ("closes_on", &closes)],
        )
        .await;
    let vote_page = location(&r);
    let vote: i64 = vote_page
        .trim_start_matches("/votes/")
        .parse()
        .expect("vote id");
    let r = b_b
        .submit(
            &vote_page,
            &format!("/votes/{vote}/ballot"),
            &[("choice", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // while open, a recorded vote shows its running count and roll
    let text = visible_text(&app.browser().text(&vote_page).await.1);
    assert!(text.contains("Mayoría absoluta"), "{text}");
    assert!(text.contains("Ana Delegante Sí Beto Delegado"), "{text}");
    assert!(text.contains("Lía Líder no contado"), "{text}");
    app::services::votes::close(
        &app.state,
        &app::services::authority::VoteCloser::operator(),
        vote,
        &app::services::audit::Actor::system("test"),
    )
    .await
    .expect("close");
    // 2 of 3 is more than half of the roll: approved
    let text = visible_text(&app.browser().text(&vote_page).await.1);
    assert!(text.contains("Aprobado"), "{text}");
    let result: String = sqlx::query_scalar("SELECT result_json FROM votes WHERE id = ?")
        .bind(vote)
        .fetch_one(&app.state.db)
        .await
        .expect("result");
    let result: serde_json::Value = serde_json::from_str(&result).expect("json");
    assert_eq!(result["yes"]["direct"], 1);
    assert_eq!(result["yes"]["delegated"], 1);
    assert_eq!(
        result["resolution"].as_array().map(Vec::len),
        Some(3),
        "a recorded vote keeps the roll"
    );
    app.stop().await;
}
