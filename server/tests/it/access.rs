//! Every mutating route of `app::pages::access::MUTATING`, tried by every demo role and by an
//! anonymous visitor: whom the table refuses is refused (403, or sent to sign in) with nothing
//! written (every table hashed before and after), whom it admits gets past the door. Deny by
//! default: a route of the table without a case here fails the test, and a route missing from
//! the table answers 403 to everyone (`app::pages::access`'s own tests).

use crate::support::*;
use app::domain::roles::Role;
use app::pages::access::{MUTATING, Rule};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

/// The demo's account for each role (they share the administrator's password in the tests).
const PRINCIPALS: [(Role, &str); 9] = [
    (Role::Applicant, "solicitante@minga.example"),
    (Role::Member, "miembro@minga.example"),
    (Role::ProjectUser, "proyecto@minga.example"),
    (Role::CollectiveLeader, "lider@minga.example"),
    (Role::ExecutiveSecretary, "secretaria@minga.example"),
    (Role::ProjectsCommission, "comision.proyectos@minga.example"),
    (Role::NodesCommission, "comision.nodos@minga.example"),
    (Role::AdvisoryMember, "consultivo@minga.example"),
    (Role::Administrator, ADMIN_EMAIL),
];

/// Tables that change without anyone's request (sessions slide, attempts are counted, the
/// integrity audit runs on its own clock, the search index is refreshed every minute, views of
/// verification pages are counted).
const MOVING: [&str; 12] = [
    "sessions",
    "login_attempts",
    "integrity_runs",
    "integrity_findings",
    "search_index",
    "search_index_content",
    "search_index_data",
    "search_index_docsize",
    "search_index_idx",
    "search_index_config",
    "search_progress",
    "evidence_visits",
];

/// One query per table but the moving ones, each giving every row of the table (quoted, ordered)
/// as one text: read from the schema once, run before and after every refused request.
async fn snapshot_queries(app: &TestApp) -> Vec<(String, String)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name",
    )
    .fetch_all(&app.state.db)
    .await
    .expect("tables");
    let mut out = Vec::new();
    for table in tables.into_iter().filter(|t| !MOVING.contains(&t.as_str())) {
        let columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{table}')"
        )))
        .fetch_all(&app.state.db)
        .await
        .expect("columns");
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        // one text per table: the rows cross into the test once, not one by one
        let sql = format!(
            "SELECT COALESCE(group_concat(r, char(10)), '') FROM (SELECT {row} AS r FROM \"{table}\" ORDER BY 1)"
        );
        out.push((table, sql));
    }
    out
}

/// A hash of every row of every table but the moving ones.
async fn snapshot(app: &TestApp, queries: &[(String, String)]) -> Vec<(String, [u8; 32])> {
    let mut out = Vec::with_capacity(queries.len());
    for (table, sql) in queries {
        let rows: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_one(&app.state.db)
            .await
            .expect("rows");
        out.push((table.clone(), Sha256::digest(rows.as_bytes()).into()));
    }
    out
}

/// Waits until what an accepted request set going in the background is done: every decision
/// registered in the log and the log signed.
async fn settle(app: &TestApp) {
    for _ in 0..200 {
        let (unregistered, entries): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM decisions WHERE evidence_id IS NULL), (SELECT COUNT(*) FROM evidences)",
        )
        .fetch_one(&app.state.db)
        .await
        .expect("counts");
        let signed: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(tree_size), 0) FROM checkpoints")
            .fetch_one(&app.state.db)
            .await
            .expect("checkpoint");
        if unregistered == 0 && signed == entries {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the background work of a request did not settle");
}

async fn one(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_optional(&app.state.db)
        .await
        .expect("fixture")
        .unwrap_or(1)
}

/// How a case is posted.
enum Body {
    Form(Vec<(&'static str, String)>),
    /// A multipart form (the routes that take files).
    Multipart,
}

/// The concrete request for each route of the table, on the demo's data.
async fn cases(app: &TestApp) -> Vec<(&'static str, String, Body)> {
    let meeting = one(
        app,
        "SELECT id FROM meetings WHERE status = 'convened' ORDER BY id DESC",
    )
    .await;
    let past = one(app, "SELECT id FROM meetings ORDER BY starts_at").await;
    let item = one(
        app,
        &format!("SELECT id FROM agenda_items WHERE meeting_id = {meeting} ORDER BY position DESC"),
    )
    .await;
    let past_vote = one(
        app,
        &format!(
            "SELECT vote_id FROM agenda_items WHERE meeting_id = {past} AND vote_id IS NOT NULL"
        ),
    )
    .await;
    let agreement = one(app, "SELECT id FROM agreements ORDER BY id").await;
    let open_vote = one(
        app,
        "SELECT id FROM votes WHERE status = 'open' ORDER BY id",
    )
    .await;
    let call = one(app, "SELECT id FROM calls ORDER BY id").await;
    let candidacy = one(app, "SELECT id FROM candidacies ORDER BY id").await;
    let nomination = one(app, "SELECT id FROM nominations ORDER BY id").await;
    let application = one(app, "SELECT id FROM advisory_applications ORDER BY id").await;
    let request = one(app, "SELECT id FROM collective_requests ORDER BY id").await;
    let membership = one(app, "SELECT id FROM collective_memberships ORDER BY id").await;
    // an account and an office of people who are not among the principals
    let target = one(
        app,
        "SELECT id FROM accounts WHERE email_normalized = 'paula.gomez@minga.example'",
    )
    .await;
    let office = one(app, "SELECT o.id FROM offices o JOIN people p ON p.id = o.person_id WHERE p.email = 'carmen.diaz@minga.example'").await;
    let key = one(app, "SELECT id FROM api_keys ORDER BY id").await;
    // a request with the academic collective's leaders, and a node of the network
    let node_request = one(
        app,
        "SELECT n.id FROM nodes n JOIN collectives c ON c.id = n.collective_id WHERE n.status = 'submitted' AND c.slug = 'academico' ORDER BY n.id",
    )
    .await;
    let node = one(
        app,
        "SELECT id FROM nodes WHERE status = 'admitted' ORDER BY id",
    )
    .await;
    // an application with the academic collective's leaders, and a running project
    let project_application = one(
        app,
        "SELECT p.id FROM projects p JOIN collectives c ON c.id = p.collective_id WHERE p.status = 'submitted' AND c.slug = 'academico' ORDER BY p.id",
    )
    .await;
    let project = one(
        app,
        "SELECT id FROM projects WHERE status = 'admitted' ORDER BY id",
    )
    .await;
    // a grant asked for by a node of the academic collective
    let grant = one(
        app,
        "SELECT g.id FROM capital_grants g JOIN nodes n ON n.id = g.node_id JOIN collectives c ON c.id = n.collective_id WHERE g.status = 'requested' AND c.slug = 'academico' ORDER BY g.id",
    )
    .await;
    let evidence: String = sqlx::query_scalar("SELECT id FROM evidences ORDER BY idx")
        .fetch_one(&app.state.db)
        .await
        .expect("evidence");
    let empty = || Body::Form(Vec::new());
    let far = (chrono::Utc::now().date_naive() + chrono::Days::new(60)).to_string();
    let meeting_form = Body::Form(vec![
        ("body", "executive-council".into()),
        ("kind", "ordinary".into()),
        ("title_es", "Sesión de prueba".into()),
        ("title_en", "Test meeting".into()),
        ("date", far),
        ("start_time", "10:00".into()),
        ("end_time", "11:00".into()),
        ("timezone", "America/Mexico_City".into()),
        ("place", "Sala 1".into()),
    ]);
    vec![
        ("/login", "/login".into(), empty()),
        ("/register", "/register".into(), empty()),
        ("/login/forgot", "/login/forgot".into(), empty()),
        ("/login/reset", "/login/reset".into(), empty()),
        ("/login/oidc/link", "/login/oidc/link".into(), empty()),
        ("/account/verify", "/account/verify".into(), empty()),
        (
            "/account/second-factor",
            "/account/second-factor".into(),
            empty(),
        ),
        (
            "/login/second-factor",
            "/login/second-factor".into(),
            empty(),
        ),
        (
            "/admin/accounts/{id}/second-factor/reset",
            "/admin/accounts/999999/second-factor/reset".into(),
            empty(),
        ),
        (
            "/account/verify/resend",
            "/account/verify/resend".into(),
            empty(),
        ),
        (
            "/account/sessions/{id}/end",
            "/account/sessions/999999/end".into(),
            empty(),
        ),
        (
            "/v/{id}/check",
            format!("/v/{evidence}/check"),
            Body::Multipart,
        ),
        (
            "/account/password",
            "/account/password".into(),
            Body::Form(vec![("current_password", "not it".into())]),
        ),
        (
            "/account/language",
            "/account/language".into(),
            Body::Form(vec![("locale", "es".into())]),
        ),
        (
            "/account/delegations",
            "/account/delegations".into(),
            empty(),
        ),
        (
            "/account/delegations/{id}/revoke",
            "/account/delegations/1/revoke".into(),
            empty(),
        ),
        (
            "/collectives/request",
            "/collectives/request".into(),
            empty(),
        ),
        (
            "/calls/{id}/candidacies",
            format!("/calls/{call}/candidacies"),
            empty(),
        ),
        (
            "/calls/{id}/candidacies/{candidacy}/withdraw",
            format!("/calls/{call}/candidacies/{candidacy}/withdraw"),
            empty(),
        ),
        (
            "/meetings/{id}/answer",
            format!("/meetings/{meeting}/answer"),
            empty(),
        ),
        (
            "/meetings/{id}/minutes/comments",
            format!("/meetings/{past}/minutes/comments"),
            empty(),
        ),
        (
            "/votes/{id}/ballot",
            format!("/votes/{open_vote}/ballot"),
            empty(),
        ),
        ("/advisory/apply", "/advisory/apply".into(), Body::Multipart),
        ("/advisory/renewal", "/advisory/renewal".into(), empty()),
        (
            "/councils/nominations/{id}/withdraw",
            format!("/councils/nominations/{nomination}/withdraw"),
            empty(),
        ),
        (
            "/admin/accounts/{id}/offices",
            format!("/admin/accounts/{target}/offices"),
            empty(),
        ),
        (
            "/admin/accounts/{id}/disable",
            format!("/admin/accounts/{target}/disable"),
            empty(),
        ),
        (
            "/admin/accounts/{id}/enable",
            format!("/admin/accounts/{target}/enable"),
            empty(),
        ),
        (
            "/admin/accounts/{id}/person",
            format!("/admin/accounts/{target}/person"),
            Body::Form(vec![("profile", "nonsense".into())]),
        ),
        (
            "/admin/accounts/{id}/memberships",
            format!("/admin/accounts/{target}/memberships"),
            empty(),
        ),
        (
            "/admin/offices/{id}/revoke",
            format!("/admin/offices/{office}/revoke"),
            empty(),
        ),
        ("/admin/institutions", "/admin/institutions".into(), empty()),
        ("/admin/memberships", "/admin/memberships".into(), empty()),
        (
            "/admin/memberships/{id}/end",
            format!("/admin/memberships/{membership}/end"),
            empty(),
        ),
        ("/admin/api-keys", "/admin/api-keys".into(), empty()),
        (
            "/admin/api-keys/{id}/revoke",
            format!("/admin/api-keys/{key}/revoke"),
            empty(),
        ),
        (
            "/admin/api-keys/visibility",
            "/admin/api-keys/visibility".into(),
            Body::Form(vec![
                ("source", "catalogo".into()),
                ("kind", "purchase-order".into()),
                ("public", "0".into()),
            ]),
        ),
        ("/calls", "/calls".into(), empty()),
        (
            "/calls/{id}/election",
            format!("/calls/{call}/election"),
            empty(),
        ),
        (
            "/collectives/requests/{id}/decision",
            format!("/collectives/requests/{request}/decision"),
            empty(),
        ),
        (
            "/advisory/applications/{id}/decision",
            format!("/advisory/applications/{application}/decision"),
            empty(),
        ),
        (
            "/votes/{id}/close",
            format!("/votes/{open_vote}/close"),
            empty(),
        ),
        (
            "/councils/nominations",
            "/councils/nominations".into(),
            empty(),
        ),
        (
            "/councils/nominations/{id}/designate",
            format!("/councils/nominations/{nomination}/designate"),
            empty(),
        ),
        (
            "/collectives/{slug}/renewals",
            "/collectives/academico/renewals".into(),
            Body::Form(vec![("office_id", "0".into())]),
        ),
        ("/meetings", "/meetings".into(), meeting_form),
        (
            "/meetings/{id}/edit",
            format!("/meetings/{meeting}/edit"),
            empty(),
        ),
        (
            "/meetings/{id}/agenda/{item}/move",
            format!("/meetings/{meeting}/agenda/{item}/move"),
            Body::Form(vec![("to", "up".into())]),
        ),
        (
            "/meetings/{id}/agenda/{item}/remove",
            format!("/meetings/{meeting}/agenda/{item}/remove"),
            empty(),
        ),
        (
            "/meetings/{id}/close",
            format!("/meetings/{meeting}/close"),
            empty(),
        ),
        (
            "/meetings/{id}/agenda",
            format!("/meetings/{meeting}/agenda"),
            empty(),
        ),
        (
            "/meetings/{id}/convene",
            format!("/meetings/{meeting}/convene"),
            empty(),
        ),
        (
            "/meetings/{id}/revision",
            format!("/meetings/{meeting}/revision"),
            empty(),
        ),
        (
            "/meetings/{id}/cancel",
            format!("/meetings/{meeting}/cancel"),
            empty(),
        ),
        (
            "/meetings/{id}/attendance",
            format!("/meetings/{meeting}/attendance"),
            empty(),
        ),
        (
            "/meetings/{id}/open",
            format!("/meetings/{meeting}/open"),
            empty(),
        ),
        (
            "/meetings/{id}/agenda/{item}/vote",
            format!("/meetings/{meeting}/agenda/{item}/vote"),
            empty(),
        ),
        (
            "/meetings/{id}/votes/{vote}",
            format!("/meetings/{past}/votes/{past_vote}"),
            empty(),
        ),
        (
            "/meetings/{id}/agenda/{item}/attachments",
            format!("/meetings/{meeting}/agenda/{item}/attachments"),
            Body::Multipart,
        ),
        (
            "/meetings/{id}/agenda/minutes",
            format!("/meetings/{meeting}/agenda/minutes"),
            empty(),
        ),
        (
            "/meetings/{id}/minutes",
            format!("/meetings/{past}/minutes"),
            empty(),
        ),
        (
            "/meetings/{id}/minutes/circulate",
            format!("/meetings/{past}/minutes/circulate"),
            empty(),
        ),
        (
            "/meetings/{id}/minutes/approve",
            format!("/meetings/{past}/minutes/approve"),
            empty(),
        ),
        (
            "/meetings/{id}/minutes/agreements",
            format!("/meetings/{past}/minutes/agreements"),
            empty(),
        ),
        (
            "/meetings/{id}/minutes/agreements/{agreement}/remove",
            format!("/meetings/{past}/minutes/agreements/{agreement}/remove"),
            empty(),
        ),
        (
            "/agreements/{id}/close",
            format!("/agreements/{agreement}/close"),
            empty(),
        ),
        (
            "/network/requests",
            "/network/requests".into(),
            Body::Multipart,
        ),
        (
            "/network/requests/{id}/withdraw",
            format!("/network/requests/{node_request}/withdraw"),
            empty(),
        ),
        (
            "/network/requests/{id}/resubmit",
            format!("/network/requests/{node_request}/resubmit"),
            empty(),
        ),
        (
            "/network/requests/{id}/leaders",
            format!("/network/requests/{node_request}/leaders"),
            Body::Form(vec![("decision", "return".into())]),
        ),
        (
            "/network/requests/{id}/evaluation",
            format!("/network/requests/{node_request}/evaluation"),
            empty(),
        ),
        (
            "/network/nodes/{id}/status",
            format!("/network/nodes/{node}/status"),
            Body::Form(vec![("step", "suspend".into())]),
        ),
        (
            "/network/nodes/{id}/capital",
            format!("/network/nodes/{node}/capital"),
            empty(),
        ),
        (
            "/network/capital/{grant}",
            format!("/network/capital/{grant}"),
            Body::Form(vec![("verdict", "refuse".into())]),
        ),
        (
            "/admin/nodes/import",
            "/admin/nodes/import".into(),
            Body::Multipart,
        ),
        ("/projects/new", "/projects/new".into(), Body::Multipart),
        (
            "/projects/applications/{id}/leaders",
            format!("/projects/applications/{project_application}/leaders"),
            Body::Form(vec![("decision", "return".into())]),
        ),
        (
            "/projects/applications/{id}/scores",
            format!("/projects/applications/{project_application}/scores"),
            empty(),
        ),
        (
            "/projects/applications/{id}/agenda",
            format!("/projects/applications/{project_application}/agenda"),
            empty(),
        ),
        (
            "/projects/applications/{id}/resubmit",
            format!("/projects/applications/{project_application}/resubmit"),
            empty(),
        ),
        (
            "/projects/applications/{id}/withdraw",
            format!("/projects/applications/{project_application}/withdraw"),
            empty(),
        ),
        ("/projects/calls", "/projects/calls".into(), empty()),
        (
            "/admin/reporting",
            "/admin/reporting".into(),
            Body::Form(vec![("debtor", "member".into()), ("due_day", "99".into())]),
        ),
        (
            "/ethics/complaints",
            "/ethics/complaints".into(),
            Body::Form(vec![("collective", "1".into())]),
        ),
        (
            "/ethics/complaints/{id}/step",
            "/ethics/complaints/999/step".into(),
            Body::Form(vec![("step", "review".into())]),
        ),
        (
            "/advisory/removals",
            "/advisory/removals".into(),
            Body::Form(vec![("office", "999".into())]),
        ),
        (
            "/consultations",
            "/consultations".into(),
            Body::Form(vec![("document", "ethics-code".into())]),
        ),
        (
            "/consultations/{id}/comments",
            "/consultations/999/comments".into(),
            empty(),
        ),
        (
            "/consultations/{id}/comments/{comment}/answer",
            "/consultations/999/comments/1/answer".into(),
            empty(),
        ),
        (
            "/consultations/{id}/final",
            "/consultations/999/final".into(),
            empty(),
        ),
        (
            "/ethics/accept",
            "/ethics/accept".into(),
            Body::Form(vec![("version", "2".into())]),
        ),
        (
            "/governance-documents",
            "/governance-documents".into(),
            Body::Form(vec![("kind", "ethics-code".into())]),
        ),
        (
            "/reporting/write",
            "/reporting/write".into(),
            Body::Form(vec![("debtor", "member".into()), ("subject", "x".into())]),
        ),
        (
            "/projects/{id}/values",
            format!("/projects/{project}/values"),
            empty(),
        ),
        (
            "/projects/{id}/proposal",
            format!("/projects/{project}/proposal"),
            empty(),
        ),
        (
            "/projects/{id}/recommendation",
            format!("/projects/{project}/recommendation"),
            empty(),
        ),
        (
            "/projects/{id}/phase",
            format!("/projects/{project}/phase"),
            empty(),
        ),
        (
            "/projects/{id}/close",
            format!("/projects/{project}/close"),
            empty(),
        ),
        (
            "/projects/{id}/replan",
            format!("/projects/{project}/replan"),
            empty(),
        ),
        (
            "/projects/{id}/source",
            format!("/projects/{project}/source"),
            Body::Form(vec![("metrics_source", "con espacios".into())]),
        ),
        (
            "/projects/{id}/head",
            format!("/projects/{project}/head"),
            empty(),
        ),
        (
            "/projects/{id}/commitment",
            format!("/projects/{project}/commitment"),
            Body::Multipart,
        ),
        // last: it ends the session it is posted in
        // ends the principal's other sessions (each principal has one): before the logout
        (
            "/account/sessions/end-others",
            "/account/sessions/end-others".into(),
            empty(),
        ),
        ("/logout", "/logout".into(), empty()),
    ]
}

/// Whether the table admits `role` (`None`: anonymous) on a case of `rule`, given the cases'
/// objects: Executive Council meetings (convened by the Secretary) and the academic collective
/// (led by the demo leader).
fn admitted(rule: Rule, role: Option<Role>) -> bool {
    match (rule, role) {
        (Rule::Anyone, _) => true,
        (_, None) => false,
        (Rule::SignedIn, Some(_)) => true,
        (Rule::Roles(roles), Some(r)) => roles.contains(&r),
        (Rule::Convener, Some(r)) => r == Role::ExecutiveSecretary,
        (Rule::Steward, Some(r)) => matches!(
            r,
            Role::CollectiveLeader | Role::ExecutiveSecretary | Role::Administrator
        ),
    }
}

async fn post(b: &Browser, signed_in: bool, path: &str, body: &Body) -> reqwest::Response {
    let token = b.csrf(if signed_in { "/account" } else { "/login" }).await;
    let url = format!("{}{path}", b.base);
    match body {
        Body::Form(fields) => {
            let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            b.client.post(url).form(&all).send().await.expect("POST")
        }
        Body::Multipart => {
            let form = reqwest::multipart::Form::new()
                .text("_csrf", token)
                .text("letter", "")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec())
                        .file_name("x.pdf")
                        .mime_str("application/pdf")
                        .expect("mime"),
                );
            b.client
                .post(url)
                .multipart(form)
                .send()
                .await
                .expect("POST")
        }
    }
}

fn sent_to_login(r: &reqwest::Response) -> bool {
    r.status() == StatusCode::SEE_OTHER && location(r).starts_with("/login?next=")
}

#[tokio::test]
async fn every_mutating_route_admits_exactly_the_offices_of_its_rule() {
    let app = TestApp::spawn_with(|s| s.demo = true).await;
    app.api_key("catalogo", "purchase-order").await;
    settle(&app).await;
    let cases = cases(&app).await;
    let queries = snapshot_queries(&app).await;
    // deny by default: every route of the table has its case, and nothing else is tried
    for (route, _) in MUTATING {
        assert!(
            cases.iter().any(|(r, _, _)| r == route),
            "no case for {route}: add one"
        );
    }
    let mut principals: Vec<(Option<Role>, Browser)> = vec![(None, app.browser())];
    for (role, email) in PRINCIPALS {
        let b = app.browser();
        let r = b.login(email, ADMIN_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login as {role:?}");
        principals.push((Some(role), b));
    }
    let mut refused_count = 0;
    for (route, path, body) in &cases {
        let rule = app::pages::access::rule_of(route)
            .unwrap_or_else(|| panic!("{route} has a case but is not in the table"));
        // those refused first, so that what the admitted do cannot hide a refusal's writes
        let mut order: Vec<&(Option<Role>, Browser)> = principals.iter().collect();
        order.sort_by_key(|(role, _)| admitted(rule, *role));
        for (role, b) in order {
            let before = snapshot(&app, &queries).await;
            let r = post(b, role.is_some(), path, body).await;
            let status = r.status();
            assert!(!status.is_server_error(), "{role:?} on {path}: {status}");
            // a route open to every account leaves the rest to its service (a member of the body,
            // the owner of the candidacy): its refusal must write nothing either
            let service_refused = rule == Rule::SignedIn && status == StatusCode::FORBIDDEN;
            if admitted(rule, *role) && !service_refused {
                assert!(
                    status != StatusCode::FORBIDDEN && !sent_to_login(&r),
                    "{role:?} should get past the door of {path} but got {status} {}",
                    location(&r)
                );
                settle(&app).await;
            } else {
                refused_count += 1;
                // an office the door lets through (a collective's leader on a council meeting's
                // route) is refused by the service behind it: as forbidden, or beside the
                // form's field (a body one does not convene), writing nothing either way
                let past_the_door = matches!((rule.offices(), role), (Some(offices), Some(r)) if offices.contains(r));
                let refused = match role {
                    None if rule != Rule::Anyone => sent_to_login(&r),
                    _ if past_the_door => {
                        status == StatusCode::FORBIDDEN
                            || status == StatusCode::UNPROCESSABLE_ENTITY
                    }
                    _ => status == StatusCode::FORBIDDEN,
                };
                assert!(
                    refused,
                    "{role:?} should be refused on {path} but got {status} {}",
                    location(&r)
                );
                let after = snapshot(&app, &queries).await;
                let changed: Vec<_> = before
                    .iter()
                    .zip(&after)
                    .filter(|(a, b)| a != b)
                    .map(|(a, _)| a.0.clone())
                    .collect();
                assert!(
                    changed.is_empty(),
                    "{role:?} was refused on {path} but {changed:?} changed"
                );
            }
        }
    }
    assert!(refused_count > 300, "{refused_count} refusals tried");
    app.stop().await;
}
