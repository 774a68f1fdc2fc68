//! Node admission over HTTP, with a real anvil node as the applicant's endpoint: the request
//! (refused with every problem named and what was typed kept; below a requirement it is taken
//! and the shortfall stated; the endpoint probed once), returned by the collective's leader with
//! a reason and amended, forwarded, evaluated by every nodes-commission seat, voted by the
//! commission (closing when every seat has voted), admitted by the motions worker; then it is on
//! `/network`, in Besu's allowlists (parsed as TOML) and on its collective's page, and a
//! suspension takes it out of them. Every step that decides is a `governance.node-*` decision.
//! The administrator's CSV import: one wrong line imports nothing; a good file admits each node
//! by a `governance.node-imported` decision.

use crate::anchors::{Anvil, free_port};
use crate::support::*;
use app::domain::roles::Role;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

const KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

fn request_fields(rpc: &str, ram: &str, enode: &str) -> Vec<(&'static str, String)> {
    vec![
        ("on_behalf", "self".into()),
        ("name", "Nodo Universidad Norte".into()),
        ("collective", "1".into()),
        ("node_type", "writer".into()),
        ("enode", enode.into()),
        ("rpc_url", rpc.into()),
        ("host_kind", "vps".into()),
        ("os", "Ubuntu 22.04.3 LTS".into()),
        ("ram_mb", ram.into()),
        ("disk_gb", "100".into()),
        ("location", "Bogotá".into()),
        ("projects", "Trazabilidad de compras".into()),
        ("liaison_name", "Ana Ruiz".into()),
        ("liaison_position", "Directora de TI".into()),
        ("liaison_email", "ana.ruiz@norte.example".into()),
        ("liaison_phone", "+57 1 555 0100".into()),
    ]
}

/// Posts the request form as a browser does (multipart, the token first).
async fn post_request(
    b: &Browser,
    fields: &[(&'static str, String)],
    letter: Option<&[u8]>,
) -> reqwest::Response {
    let token = b.csrf("/network/requests/new").await;
    let mut form = Form::new().text("_csrf", token);
    for (k, v) in fields {
        form = form.text(*k, v.clone());
    }
    let file = Part::bytes(letter.unwrap_or_default().to_vec())
        .file_name(if letter.is_some() { "carta.pdf" } else { "" })
        .mime_str("application/pdf")
        .expect("mime");
    form = form.part("letter", file);
    b.client
        .post(format!("{}/network/requests", b.base))
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

async fn status(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM nodes WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("status")
}

async fn decisions_of(app: &TestApp, event: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM decisions WHERE event = ?")
        .bind(event)
        .fetch_one(&app.state.db)
        .await
        .expect("decisions")
}

async fn allowlist(app: &TestApp) -> Vec<String> {
    let r = app.browser().get("/network/permissions_config.toml").await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.expect("body");
    let parsed: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(parsed["accounts-allowlist"].as_array().is_some(), "{text}");
    parsed["nodes-allowlist"]
        .as_array()
        .expect("nodes-allowlist")
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect()
}

#[tokio::test]
async fn a_node_is_requested_returned_forwarded_evaluated_voted_admitted_and_suspended() {
    let port = free_port();
    let anvil = Anvil::start_chain(port, 648_541).await;
    // a commission of two seats (both from collective 1, where the test's accounts belong)
    let app = TestApp::spawn_with(|s| {
        s.governance.commission_seats_per_collective = 2;
        // the anvil endpoint is on loopback
        s.nodes.probe_private = true;
    })
    .await;
    let (applicant, applicant_account) = app.browser_as(Role::Member).await;
    let applicant_person = person_of(&app, applicant_account).await;
    let (leader, _) = app.browser_as(Role::CollectiveLeader).await;
    let (seat_a, _) = app.browser_as(Role::NodesCommission).await;
    let (seat_b, _) = app.browser_as(Role::NodesCommission).await;
    let (outsider, _) = app.browser_as(Role::Member).await;
    let enode = format!("enode://{KEY}@203.0.113.7:30303");

    // refused: no letter, a broken enode, an address that is not http; what was typed stays
    let mut bad = request_fields("ftp://nodo", "4096", "enode://abc@1.2.3.4:30303");
    bad.push(("name", "Nodo <b>Norte</b>".into()));
    let r = post_request(&applicant, &bad, None).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    for message in [
        "128 dígitos hexadecimales",
        "http:// o https://",
        "carta de intención en PDF",
    ] {
        assert!(html.contains(message), "{message}");
    }
    assert!(html.contains("value=\"enode://abc@1.2.3.4:30303\""));
    assert!(!html.contains("<b>Norte</b>"), "typed markup is escaped");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM nodes")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(n, 0);

    // below the RAM minimum it is taken, and the shortfall is stated; the endpoint is probed
    let fields = request_fields(&anvil.url, "1024", &enode);
    let r = post_request(&applicant, &fields, Some(b"%PDF-1.7 carta de intencion")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let id: i64 = page
        .trim_start_matches("/network/requests/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("id");
    let (code, html) = applicant.text(&page).await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains("Solicitud enviada"));
    let page = format!("/network/requests/{id}");
    let text = visible_text(&html);
    assert!(
        text.contains("Se necesitan al menos 2048 MB de RAM"),
        "{text}"
    );
    assert!(text.contains("cadena 648541"), "{text}");
    assert_eq!(status(&app, id).await, "submitted");
    let leader_mail = app::services::mail::by_topic(&app.state.db, &format!("node-request/{id}"))
        .await
        .expect("mail");
    assert_eq!(leader_mail.len(), 1, "the leader is told");
    // the letter is the applicant's, downloaded, never shown inline
    let r = applicant.get(&format!("{page}/letter")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .expect("header")
            .starts_with("attachment")
    );

    // someone else sees nothing and can do nothing
    assert_eq!(outsider.get(&page).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        outsider.get(&format!("{page}/letter")).await.status(),
        StatusCode::NOT_FOUND
    );
    let r = outsider
        .submit(
            "/network",
            &format!("{page}/leaders"),
            &[("decision", "forward")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = seat_a
        .submit(
            "/network",
            &format!("{page}/evaluation"),
            &[("opinion", "favourable"), ("justification", "ok")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not in evaluation yet"
    );

    // the leader returns it, saying why (without a reason it is refused)
    let r = leader
        .submit(
            &page,
            &format!("{page}/leaders"),
            &[("decision", "return"), ("note", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = leader
        .submit(
            &page,
            &format!("{page}/leaders"),
            &[
                ("decision", "return"),
                ("note", "La RAM no alcanza el mínimo."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, id).await, "returned");
    let text = visible_text(&applicant.text(&page).await.1);
    assert!(text.contains("La RAM no alcanza el mínimo."), "{text}");

    // amended and sent again
    let mut amended = request_fields(&anvil.url, "4096", &enode);
    amended.retain(|(k, _)| *k != "on_behalf");
    amended.push(("on_behalf", "self".into()));
    let pairs: Vec<(&str, &str)> = amended.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = applicant
        .submit(&page, &format!("{page}/resubmit"), &pairs)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, id).await, "submitted");
    let unmet: String = sqlx::query_scalar("SELECT unmet_json FROM nodes WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("unmet");
    assert_eq!(unmet, "[]");

    // forwarded; each seat evaluates; the last evaluation opens the vote
    let r = leader
        .submit(
            &page,
            &format!("{page}/leaders"),
            &[("decision", "forward"), ("note", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, id).await, "in_evaluation");
    let told = app::services::mail::by_topic(&app.state.db, &format!("node-forwarded/{id}"))
        .await
        .expect("mail");
    assert_eq!(
        told.len(),
        2,
        "each commission seat is told, in the forward's transaction"
    );
    let r = seat_a
        .submit(
            &page,
            &format!("{page}/evaluation"),
            &[("opinion", "favourable"), ("justification", "")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a justification is required"
    );
    let r = seat_a
        .submit(
            &page,
            &format!("{page}/evaluation"),
            &[
                ("opinion", "favourable"),
                ("justification", "Cumple los requisitos."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, id).await, "in_evaluation");
    let r = seat_b
        .submit(
            &page,
            &format!("{page}/evaluation"),
            &[
                ("opinion", "favourable"),
                ("justification", "Punto de acceso verificado."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let vote_page = location(&r);
    assert!(vote_page.starts_with("/votes/"), "{vote_page}");
    assert_eq!(status(&app, id).await, "voting");

    // both seats vote yes: the vote closes at once and the motions worker admits the node
    for seat in [&seat_a, &seat_b] {
        let r = seat
            .submit(
                &vote_page,
                &format!("{vote_page}/ballot"),
                &[("choice", "yes")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let mut admitted = false;
    for _ in 0..200 {
        if status(&app, id).await == "admitted" {
            admitted = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(admitted, "the closed vote admits the node");
    for event in ["node-returned", "node-forwarded", "node-admitted"] {
        assert_eq!(decisions_of(&app, event).await, 1, "{event}");
    }
    // the applicant became a member of the collective in person
    let member: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM collective_memberships WHERE collective_id = 1 AND person_id = ?",
    )
    .bind(applicant_person)
    .fetch_one(&app.state.db)
    .await
    .expect("membership");
    assert!(member >= 1);
    // mailed at each step: returned, resubmit is theirs, forwarded, put to the vote is not a
    // step of theirs, admitted
    let steps: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE topic LIKE 'node-step/%' AND to_address = (SELECT email FROM people WHERE id = ?)",
    )
    .bind(applicant_person)
    .fetch_one(&app.state.db)
    .await
    .expect("mails");
    assert_eq!(steps, 3);

    // public: /network, the node's page, its collective, the allowlists
    let (code, html) = app.browser().text("/network").await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains("Nodo Universidad Norte"));
    let (code, html) = app.browser().text(&format!("/network/nodes/{id}")).await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        html.contains("href=\"/v/"),
        "the admission links to its verification"
    );
    assert_eq!(allowlist(&app).await, vec![enode.clone()]);
    let r = app.browser().get("/network/static-nodes.json").await;
    let listed: Vec<String> = r.json().await.expect("json");
    assert_eq!(listed, vec![enode.clone()]);
    // the allowlist's decision is registered by the publisher, a moment after the admission
    let mut all = serde_json::Value::Null;
    for _ in 0..100 {
        let r = app.browser().get("/network/nodes.json").await;
        all = r.json().await.expect("json");
        if all["decision"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(all["nodes"][0]["status"], "admitted");
    assert!(all["decision"].is_string(), "{all}");

    // the commission suspends it (a reason is required): out of the allowlists; reinstated: back
    let node_page = format!("/network/nodes/{id}");
    let r = seat_a
        .submit(
            &node_page,
            &format!("{node_page}/status"),
            &[("step", "suspend"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = leader
        .submit(
            &node_page,
            &format!("{node_page}/status"),
            &[("step", "suspend"), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = seat_a
        .submit(
            &node_page,
            &format!("{node_page}/status"),
            &[
                ("step", "suspend"),
                ("reason", "Sin respuesta desde hace una semana."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(allowlist(&app).await.is_empty());
    let r = seat_b
        .submit(
            &node_page,
            &format!("{node_page}/status"),
            &[("step", "reinstate"), ("reason", "Responde de nuevo.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(allowlist(&app).await, vec![enode]);

    let audit = app.audit_actions().await;
    for action in [
        "node.requested",
        "node.return",
        "node.resubmitted",
        "node.forward",
        "node.evaluated",
        "node.admit",
        "node.suspend",
        "node.reinstate",
    ] {
        assert!(audit.iter().any(|a| a.0 == action), "{action}");
    }
    drop(anvil);
    app.stop().await;
}

#[tokio::test]
async fn an_import_with_one_wrong_line_imports_nothing_and_a_good_one_admits_every_node() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    sqlx::query(
        "INSERT INTO institutions (name, short_name, sector, kind, website, created_at) VALUES ('Universidad Norte, sede Bogotá', 'UN', 'academic', 'university', '', '2026-01-01T00:00:00Z')",
    )
    .execute(&app.state.db)
    .await
    .expect("institution");
    let institution = "Universidad Norte, sede Bogotá";
    let slug: String = sqlx::query_scalar("SELECT slug FROM collectives WHERE id = 1")
        .fetch_one(&app.state.db)
        .await
        .expect("slug");
    let key2 = KEY.replace('a', "b");
    let good = format!(
        "name,enode,rpc_url,type,collective,institution\r\nValidador 1,enode://{KEY}@10.0.0.1:30303,http://10.0.0.1:8545,validator,{slug},\"{institution}\"\r\nArranque,enode://{key2}@10.0.0.2:30303?discport=30301,http://10.0.0.2:8545,boot,{slug},\"{institution}\"\r\n"
    );
    let bad = format!(
        "{good}Roto,enode://nothex@10.0.0.3:30303,http://10.0.0.3:8545,writer,{slug},\"{institution}\"\r\n"
    );
    let upload = |csv: String| {
        let admin = &admin;
        async move {
            let token = admin.csrf("/admin/nodes/import").await;
            let form = Form::new().text("_csrf", token).part(
                "file",
                Part::bytes(csv.into_bytes())
                    .file_name("nodos.csv")
                    .mime_str("text/csv")
                    .expect("mime"),
            );
            admin
                .client
                .post(format!("{}/admin/nodes/import", admin.base))
                .multipart(form)
                .send()
                .await
                .expect("POST")
        }
    };
    let r = upload(bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(text.contains("Línea 4"), "{text}");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM nodes")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(n, 0, "nothing imported");

    let r = upload(good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let statuses: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, imported FROM nodes ORDER BY id")
            .fetch_all(&app.state.db)
            .await
            .expect("nodes");
    assert_eq!(
        statuses,
        vec![("admitted".to_string(), 1), ("admitted".to_string(), 1)]
    );
    assert_eq!(decisions_of(&app, "node-imported").await, 2);
    let data: String =
        sqlx::query_scalar("SELECT data_json FROM decisions WHERE event = 'node-imported'")
            .fetch_one(&app.state.db)
            .await
            .expect("decision");
    assert!(
        data.contains(ADMIN_EMAIL) || data.contains("imported_by"),
        "{data}"
    );
    assert_eq!(allowlist(&app).await.len(), 2);

    // the same file again: every key is taken
    let again = server::nodes::import_at_command_line(
        &app.state,
        &format!("name,enode,rpc_url,type,collective,institution\nX,enode://{KEY}@10.0.0.1:30303,http://10.0.0.1:8545,writer,{slug},\"{institution}\"\n"),
    )
    .await;
    assert!(again.is_err());
    // an administrator's route only
    let (member, _) = app.browser_as(Role::Member).await;
    assert_eq!(
        member
            .submit("/network", "/admin/nodes/import", &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}

/// By default the one probe at filing does not call loopback or private addresses: a request
/// naming one is taken, and says it was not asked.
#[tokio::test]
async fn a_private_endpoint_is_not_probed_by_default() {
    let port = free_port();
    let anvil = Anvil::start_chain(port, 648_544).await;
    let app = TestApp::spawn().await;
    let (applicant, _) = app.browser_as(Role::Member).await;
    let enode = format!("enode://{}@203.0.113.9:30303", KEY.replace('a', "c"));
    let r = post_request(
        &applicant,
        &request_fields(&anvil.url, "4096", &enode),
        Some(b"%PDF-1.7 carta"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let text = visible_text(&applicant.text(&location(&r)).await.1);
    assert!(
        text.contains("No se consultó: la dirección es local o privada"),
        "{text}"
    );
    assert!(!text.contains("cadena 648544"), "{text}");
    drop(anvil);
    app.stop().await;
}
