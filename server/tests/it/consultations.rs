//! A public consultation from opening to final version over HTTP: the Executive Secretary opens
//! one (its period checked, what was typed kept); members comment on sections, one anonymously;
//! answers wait for the close and comments stop at it; the final version waits for every answer,
//! then is a decision carrying the draft, the comments with their answers and the final text,
//! and the page shows draft and final side by side with the answers by theme.

use crate::support::*;
use app::domain::roles::Role;
use reqwest::StatusCode;

const DRAFT: &str = "Los nodos se admiten por la comisión de nodos.\n\nLos líderes rinden informe cada dos meses.\n\nEl código de ética obliga a todos.";

async fn post(
    b: &Browser,
    page: &str,
    action: &str,
    f: &[(&'static str, String)],
) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.submit(page, action, &refs).await
}

#[tokio::test]
async fn a_consultation_goes_from_opening_to_its_final_version() {
    let app = TestApp::spawn().await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    let (named, _) = app.browser_as(Role::Member).await;
    let (anonymous, anonymous_account) = app.account_with_role(Role::Member).await;
    sqlx::query("UPDATE people SET full_name = 'Quien Comenta Sin Nombre' WHERE id = (SELECT person_id FROM accounts WHERE id = ?)")
        .bind(anonymous_account)
        .execute(&app.state.db)
        .await
        .expect("name");
    let anonymous = login_as(&app, &anonymous).await;
    let today = chrono::Utc::now().date_naive();
    let mut fields = vec![
        ("document", "governance-model".to_string()),
        ("title_es", "Modelo de gobernanza".to_string()),
        ("title_en", "Governance model".to_string()),
        ("opens_on", today.to_string()),
        ("closes_on", (today - chrono::Days::new(1)).to_string()),
        ("anonymous_allowed", "1".to_string()),
        ("draft", DRAFT.to_string()),
    ];
    let r = post(&secretary, "/consultations/new", "/consultations", &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(
        html.contains("El cierre no puede ser anterior a la apertura.")
            && html.contains("Los líderes rinden informe")
    );
    fields[4].1 = today.to_string();
    let r = post(&secretary, "/consultations/new", "/consultations", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let comments = format!("{page}/comments");
    let r = post(&named, &page, "/consultations", &fields).await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "only the Secretary opens one"
    );

    // comments on sections, one anonymous; a section that does not exist is refused
    let comment = |section: &str, text: &str, anon: bool| {
        let mut f = vec![
            ("section", section.to_string()),
            ("comment", text.to_string()),
        ];
        if anon {
            f.push(("anonymous", "1".to_string()));
        }
        f
    };
    assert_eq!(
        post(
            &named,
            &page,
            &comments,
            &comment("2", "Cada mes, no cada dos.", false)
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(
            &anonymous,
            &page,
            &comments,
            &comment("3", "¿También a los observadores?", true)
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let r = post(
        &named,
        &page,
        &comments,
        &comment("9", "Sin sección", false),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let long = format!("{}<b>", "x".repeat(4001));
    let r = post(&named, &page, &comments, &comment("1", &long, false)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().await.expect("body").contains("x&lt;b&gt;"),
        "what was typed is kept, escaped"
    );
    let (_, html) = app.browser().text(&page).await;
    let text = visible_text(&html);
    assert!(
        text.contains("Cada mes, no cada dos.") && text.contains("Anónimo"),
        "{text}"
    );
    assert!(!text.contains("Quien Comenta Sin Nombre"), "{text}");
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM consultation_comments ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .expect("comments");
    let answer = |kind: &str, text: &str, theme: &str| {
        vec![
            ("answer", kind.to_string()),
            ("answer_text", text.to_string()),
            ("theme", theme.to_string()),
        ]
    };
    let first = format!("{page}/comments/{}/answer", ids[0]);
    let r = post(
        &secretary,
        &page,
        &first,
        &answer("declined", "Dos meses bastan.", "Informes"),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "answers wait for the close"
    );

    // the period ends: no more comments; answers, then the final version
    sqlx::query("UPDATE consultations SET opens_on = ?, closes_on = ?")
        .bind(today - chrono::Days::new(42))
        .bind(today - chrono::Days::new(1))
        .execute(&app.state.db)
        .await
        .expect("close");
    let r = post(&named, &page, &comments, &comment("1", "Tarde", false)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        post(
            &secretary,
            &page,
            &first,
            &answer("declined", "Dos meses bastan.", "Informes")
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let final_text = format!("{DRAFT}\n\nLos observadores también lo aceptan.");
    let conclude = format!("{page}/final");
    let fin = vec![
        ("final_text", final_text.clone()),
        ("final_note", "Aprobada en sesión.".to_string()),
    ];
    let r = post(&secretary, &page, &conclude, &fin).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&r.text().await.expect("body"))
            .contains("Faltan respuestas: 1 comentarios sin responder.")
    );
    let second = format!("{page}/comments/{}/answer", ids[1]);
    assert_eq!(
        post(
            &secretary,
            &page,
            &second,
            &answer("integrated", "Se añade una frase.", "Ética")
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&secretary, &page, &conclude, &fin).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = app.browser().text(&page).await;
    let text = visible_text(&html);
    assert!(
        text.contains("Resultado de la consulta")
            && text.contains("Los observadores también lo aceptan."),
        "{text}"
    );
    assert!(
        text.contains("Respuestas por tema")
            && text.contains("Integrado")
            && text.contains("No integrado"),
        "{text}"
    );
    let id: i64 = page
        .trim_start_matches("/consultations/")
        .parse()
        .expect("id");
    let evidence = evidence_of(&app, &format!("consultation/{id}/final")).await;
    let (_, v) = app.browser().text(&format!("/v/{evidence}")).await;
    assert!(
        v.contains("Los observadores también lo aceptan.") && v.contains("Dos meses bastan."),
        "{v}"
    );
    assert!(
        !v.contains("Quien Comenta Sin Nombre"),
        "the anonymous comment's author is nowhere public"
    );
    assert_eq!(
        post(&secretary, &page, &conclude, &fin).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "once"
    );
    app.stop().await;
}
