//! Transaction capital over HTTP: the operator of an admitted node asks for an allowance (a bad
//! account is refused beside its field, what was typed kept); someone else may not ask, and only
//! the leaders of the node's collective decide; a grant (with another amount) puts the account
//! in Besu's `accounts-allowlist`, `/network/capital` and `capital.json`; a change ends the grant
//! and starts another; a revocation needs a reason and takes the account out. Each decision is a
//! `governance.capital-*` decision.

use crate::support::*;
use app::domain::roles::Role;
use reqwest::StatusCode;
use serde_json::Value;

const ACCOUNT: &str = "0xAbCdEf0123456789abcdef0123456789ABCDEF01";

async fn accounts_allowlist(app: &TestApp) -> Vec<String> {
    let text = app
        .browser()
        .get("/network/permissions_config.toml")
        .await
        .text()
        .await
        .expect("body");
    let parsed: toml::Table = toml::from_str(&text).expect("toml");
    parsed["accounts-allowlist"]
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect()
}

async fn status_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM capital_grants WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("grant")
}

#[tokio::test]
async fn capital_is_asked_by_the_operator_and_granted_changed_and_revoked_by_the_leaders() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "INSERT INTO institutions (name, sector, kind, created_at) VALUES ('Universidad Este', 'academic', 'university', '2026-01-01T00:00:00Z')",
    )
    .execute(&app.state.db)
    .await
    .expect("institution");
    let slug: String = sqlx::query_scalar("SELECT slug FROM collectives WHERE id = 1")
        .fetch_one(&app.state.db)
        .await
        .expect("slug");
    let key: String = std::iter::repeat_n('f', 128).collect();
    let ids = server::nodes::import_at_command_line(
        &app.state,
        &format!("name,enode,rpc_url,type,collective,institution\nNodo Este,enode://{key}@10.1.0.1:30303,https://nodo.este.example:8545,writer,{slug},Universidad Este\n"),
    )
    .await
    .expect("import");
    let node = ids[0];
    // the node is run by a member (the import recorded the administrator)
    let (operator, operator_account) = app.browser_as(Role::Member).await;
    let operator_person = person_of(&app, operator_account).await;
    sqlx::query("UPDATE nodes SET person_id = ? WHERE id = ?")
        .bind(operator_person)
        .bind(node)
        .execute(&app.state.db)
        .await
        .expect("operator");
    let (leader, _) = app.browser_as(Role::CollectiveLeader).await;
    let (other, _) = app.browser_as(Role::Member).await;
    let page = format!("/network/nodes/{node}");
    let ask = format!("{page}/capital");

    // refused beside the field, what was typed kept
    let r = operator
        .submit(
            &page,
            &ask,
            &[
                ("account", "0x1234"),
                ("amount", "5000000"),
                ("period", "month"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains("40 dígitos hexadecimales"));
    assert!(html.contains("value=\"0x1234\"") && html.contains("value=\"5000000\""));
    // someone who does not run the node may not ask
    let r = other
        .submit(
            &page,
            &ask,
            &[
                ("account", ACCOUNT),
                ("amount", "5000000"),
                ("period", "month"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = operator
        .submit(
            &page,
            &ask,
            &[
                ("account", ACCOUNT),
                ("amount", "5.000.000"),
                ("period", "month"),
                ("reason", "Registro de títulos"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let asked: i64 = sqlx::query_scalar("SELECT id FROM capital_grants WHERE node_id = ?")
        .bind(node)
        .fetch_one(&app.state.db)
        .await
        .expect("grant");
    assert_eq!(status_of(&app, asked).await, "requested");
    assert!(
        accounts_allowlist(&app).await.is_empty(),
        "asked is not granted"
    );

    // only the collective's leaders decide
    let decide = format!("/network/capital/{asked}");
    for b in [&operator, &other] {
        let r = b
            .submit(
                &page,
                &decide,
                &[("verdict", "grant"), ("amount", "1"), ("period", "month")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    let r = leader
        .submit(
            &page,
            &decide,
            &[
                ("verdict", "grant"),
                ("amount", "4000000"),
                ("period", "month"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, asked).await, "active");
    let lower = ACCOUNT.to_lowercase();
    assert_eq!(accounts_allowlist(&app).await, vec![lower.clone()]);
    let json: Value = app
        .browser()
        .get("/network/capital.json")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(json["grants"][0]["account"], lower.as_str());
    assert_eq!(json["grants"][0]["amount"], 4_000_000);
    let (code, html) = app.browser().text("/network/capital").await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains(&lower) && html.contains("4000000 de gas por mes"));
    // a grant decided already is not decided again
    let r = leader
        .submit(&page, &decide, &[("verdict", "grant"), ("reason", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // a change ends the grant and starts another; a revocation needs a reason
    let r = leader
        .submit(
            &page,
            &decide,
            &[
                ("verdict", "change"),
                ("amount", "8000000"),
                ("period", "month"),
                ("reason", "Más usuarios"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, asked).await, "ended");
    let current: i64 =
        sqlx::query_scalar("SELECT id FROM capital_grants WHERE node_id = ? AND status = 'active'")
            .bind(node)
            .fetch_one(&app.state.db)
            .await
            .expect("current");
    let revoke = format!("/network/capital/{current}");
    let r = leader
        .submit(&page, &revoke, &[("verdict", "revoke"), ("reason", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(accounts_allowlist(&app).await, vec![lower.clone()]);
    let r = leader
        .submit(
            &page,
            &revoke,
            &[
                ("verdict", "revoke"),
                ("reason", "Transacciones fuera del proyecto declarado"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(accounts_allowlist(&app).await.is_empty());

    for event in ["capital-granted", "capital-changed", "capital-revoked"] {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM decisions WHERE event = ?")
            .bind(event)
            .fetch_one(&app.state.db)
            .await
            .expect("decisions");
        assert_eq!(n, 1, "{event}");
    }
    let audit = app.audit_actions().await;
    for action in [
        "capital.requested",
        "capital.granted",
        "capital.changed",
        "capital.revoked",
    ] {
        assert!(audit.iter().any(|a| a.0 == action), "{action}");
    }
    app.stop().await;
}
