//! What a first-time visitor meets: pages that promise only what the portal does, a next step
//! for a new account, collectives short of leaders flagged, clear answers for addresses that do
//! not exist, plurals as Spanish says them, and empty lists that say they are empty.

use crate::support::*;
use reqwest::StatusCode;

#[tokio::test]
async fn the_public_pages_promise_what_is_there_and_say_when_a_list_is_empty() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();

    // the home page and registration speak of what exists today, not of nodes or projects
    for page in ["/", "/register"] {
        let text = visible_text(&visitor.text(page).await.1).to_lowercase();
        for promise in [
            "integración de un nodo",
            "integración de nodo",
            "proponer un proyecto",
            "aprueban nodos",
        ] {
            assert!(!text.contains(promise), "{page} promises {promise:?}");
        }
    }
    assert!(visible_text(&visitor.text("/").await.1).contains("Crear una cuenta"));
    // a signed-in visitor is not offered an account, but what to do with theirs
    let (member, _) = app.browser_as(app::domain::roles::Role::Member).await;
    let home = member.text("/").await.1;
    assert!(!visible_text(&home).contains("Crear una cuenta"));
    assert!(home.contains("href=\"/account#next-title\""));
    let account = visible_text(&member.text("/account").await.1);
    assert!(account.contains("Qué puede hacer ahora"), "{account}");
    assert!(
        account.contains("Postularse en una convocatoria abierta"),
        "{account}"
    );
    assert!(
        account.contains("Solicitar la admisión de un nodo"),
        "{account}"
    );

    // no collective has two leaders yet: each is flagged, with how many are missing
    let text = visible_text(&visitor.text("/collectives").await.1);
    assert!(
        text.contains("Por debajo del mínimo: 0 de 2 liderazgos; falta cubrir 2 por convocatoria."),
        "{text}"
    );
    let text = visible_text(&visitor.text("/collectives/academico").await.1);
    assert!(text.contains("Por debajo del mínimo"), "{text}");
    // and a collective's empty lists say they are empty
    assert!(
        text.contains("Aún no tiene liderazgos ni representaciones."),
        "{text}"
    );
    assert!(
        text.contains("Aún no hay cargos en su historial."),
        "{text}"
    );

    // plurals as they are said: one member is "1 persona miembro"
    let text = visible_text(&visitor.text("/collectives").await.1);
    assert!(
        text.contains("0 instituciones y 1 persona miembro"),
        "{text}"
    );
    assert!(!text.contains("1 personas"), "{text}");

    // addresses that do not exist: a page in the visitor's language, never plain English text
    for path in [
        "/meetings/abc",
        "/meetings/999999",
        "/meetings/calendar/collective:99.ics",
        "/meetings/calendar/nobody.ics",
    ] {
        let r = visitor.get(path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let body = r.text().await.expect("body");
        assert!(!body.contains("Cannot parse"), "{path}: {body}");
        assert!(body.contains("<html"), "{path} answers a page: {body}");
    }
    let r = visitor.get("/meetings/calendar/collective:1.ics").await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "a collective that exists has a feed"
    );

    // empty lists say so instead of showing bare headers
    let text = visible_text(&visitor.text("/v?q=nada-que-buscar").await.1);
    assert!(
        text.contains("Ninguna evidencia coincide con lo buscado"),
        "{text}"
    );
    let text = visible_text(&visitor.text("/integrity").await.1);
    assert!(
        text.contains("Aún no ha corrido ninguna auditoría"),
        "{text}"
    );
    let text = visible_text(&visitor.text("/reports").await.1);
    assert!(text.contains("Aún no hay informes"), "{text}");
    let today = chrono::Utc::now().date_naive().to_string();
    let r = app
        .admin()
        .await
        .submit(
            "/calls/new",
            "/calls",
            &[
                ("collective_id", "1"),
                ("seats", "2"),
                ("closes_on", &today),
                ("term_starts_on", &today),
                ("description_es", "Convocatoria"),
                ("description_en", "Call"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = visitor.text(&location(&r)).await.1;
    let text = visible_text(&html);
    assert!(text.contains("Aún no hay candidaturas."), "{text}");
    assert!(
        html.contains("tabindex=\"0\" hidden"),
        "the empty table is hidden: {html}"
    );
    let text = visible_text(&visitor.text("/calls").await.1);
    assert!(text.contains("2 lugares"), "{text}");
    assert!(!text.contains("lugar(es)"), "{text}");
    app.stop().await;
}
