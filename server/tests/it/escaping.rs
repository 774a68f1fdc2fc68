//! What anyone typed comes back as text, never as markup: every form with a multi-line field,
//! found on the pages each role can reach, is posted with markup in every field, and neither
//! the answer (a refused form shown again, or the page after it) nor the page that shows the
//! text again carries it live. A person's self-chosen name, prefilled into the secretary's
//! minutes editor, stays text too.

use crate::support::*;
use reqwest::StatusCode;

/// Markup that would close a textarea and start an element of its own.
const PAYLOAD: &str = "Hola</textarea><b id=x>inyectado</b>";
/// What must never appear in a page: the payload's element, live.
const LIVE: [&str; 2] = ["<b id=x>", "<b id=\"x\">"];

/// One form of a page, as a browser would submit it.
#[derive(Debug)]
struct Form {
    action: String,
    multipart: bool,
    /// Every named field with the value a browser would send (the first option of a select).
    fields: Vec<(String, String)>,
    textareas: Vec<String>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(
        tag[at..]
            .split('"')
            .next()?
            .replace("&amp;", "&")
            .replace("&quot;", "\""),
    )
}

/// The forms of a page that hold a textarea.
fn forms_with_textareas(html: &str) -> Vec<Form> {
    let mut out = Vec::new();
    for chunk in html.split("<form").skip(1) {
        let Some(end) = chunk.find("</form>") else {
            continue;
        };
        let body = &chunk[..end];
        if !body.contains("<textarea") {
            continue;
        }
        let open = &body[..body.find('>').unwrap_or(0)];
        let mut form = Form {
            action: attr(open, "action").unwrap_or_default(),
            multipart: open.contains("multipart/form-data"),
            fields: Vec::new(),
            textareas: Vec::new(),
        };
        for tag in body.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            let Some(name) = attr(tag, "name") else {
                continue;
            };
            if tag.starts_with("textarea") {
                form.textareas.push(name);
            } else if tag.starts_with("select") {
                // the first option after the select
                let rest = &body[body.find(tag).unwrap_or(0)..];
                let value = rest
                    .split("<option")
                    .nth(1)
                    .and_then(|o| attr(o, "value"))
                    .unwrap_or_default();
                form.fields.push((name, value));
            } else if tag.starts_with("input") {
                let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
                match kind.as_str() {
                    "file" => {}
                    "checkbox" | "radio" => {
                        if !form.fields.iter().any(|(n, _)| *n == name) {
                            form.fields
                                .push((name, attr(tag, "value").unwrap_or_else(|| "on".into())));
                        }
                    }
                    "hidden" | "date" | "time" | "number" | "email" | "url" => form
                        .fields
                        .push((name, attr(tag, "value").unwrap_or_default())),
                    // a single-line field: the markup without line breaks
                    _ => form.fields.push((name, PAYLOAD.to_string())),
                }
            } else if tag.starts_with("button") {
                // the first submit button's value, as a click on it sends
                if let Some(value) = attr(tag, "value")
                    && !form.fields.iter().any(|(n, _)| *n == name)
                {
                    form.fields.push((name, value));
                }
            }
        }
        out.push(form);
    }
    out
}

async fn submit(b: &Browser, form: &Form) -> reqwest::Response {
    let url = format!("{}{}", b.base, form.action);
    let mut fields: Vec<(String, String)> = form.fields.clone();
    for t in &form.textareas {
        fields.push((t.clone(), format!("{PAYLOAD}\r\nsegunda línea")));
    }
    if form.multipart {
        let mut mp = reqwest::multipart::Form::new();
        for (k, v) in fields {
            mp = mp.text(k, v);
        }
        b.client.post(url).multipart(mp).send().await.expect("POST")
    } else {
        b.client.post(url).form(&fields).send().await.expect("POST")
    }
}

fn assert_inert(html: &str, what: &str) {
    for live in LIVE {
        assert!(!html.contains(live), "{what} carries live markup");
    }
}

#[tokio::test]
async fn markup_typed_into_any_textarea_comes_back_as_text() {
    let app = TestApp::spawn_with(|s| s.demo = true).await;
    let meeting: i64 =
        sqlx::query_scalar("SELECT id FROM meetings WHERE status = 'convened' ORDER BY id DESC")
            .fetch_one(&app.state.db)
            .await
            .expect("meeting");
    let agreement: i64 = sqlx::query_scalar("SELECT id FROM agreements ORDER BY id")
        .fetch_one(&app.state.db)
        .await
        .expect("agreement");
    let pages = [
        "/calls/new".to_string(),
        "/calls/1".into(),
        "/collectives/request".into(),
        "/collectives/requests".into(),
        "/meetings/new".into(),
        format!("/meetings/{meeting}"),
        format!("/agreements/{agreement}"),
        "/advisory/apply".into(),
        "/councils/nominations".into(),
    ];
    let principals = [
        "secretaria@minga.example",
        ADMIN_EMAIL,
        "lider@minga.example",
        "miembro@minga.example",
        "solicitante@minga.example",
    ];
    let mut posted = std::collections::BTreeSet::new();
    for email in principals {
        let b = app.browser();
        assert_eq!(
            b.login(email, ADMIN_PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        for page in &pages {
            let (status, html) = b.text(page).await;
            if status != StatusCode::OK {
                continue;
            }
            for form in forms_with_textareas(&html) {
                let r = submit(&b, &form).await;
                let status = r.status();
                assert!(
                    !status.is_server_error(),
                    "{email} {}: {status}",
                    form.action
                );
                let next = location(&r);
                let answer = r.text().await.expect("body");
                assert_inert(&answer, &format!("the answer to {} ({email})", form.action));
                // the page the text was saved to, and the page the form was on
                for shown in [next.as_str(), page.as_str()] {
                    if shown.starts_with('/') {
                        let (_, html) = b.text(shown).await;
                        assert_inert(&html, &format!("{shown} after {} ({email})", form.action));
                    }
                }
                posted.insert(form.action.clone());
            }
        }
    }
    // the forms with a textarea that the demo offers these roles were all tried
    for action in [
        "/calls".to_string(),
        "/collectives/request".into(),
        format!("/meetings/{meeting}/agenda"),
        format!("/agreements/{agreement}/close"),
        "/advisory/apply".into(),
        "/councils/nominations".into(),
    ] {
        assert!(posted.contains(&action), "{action} not tried: {posted:?}");
    }
    // what was saved is shown as text where it is shown again
    let (_, html) = app.browser().text("/calls").await;
    assert_inert(&html, "/calls");
    app.stop().await;
}

#[tokio::test]
async fn a_name_with_markup_stays_text_in_the_secretarys_minutes_editor() {
    let app = TestApp::spawn_with(crate::meetings::small_council).await;
    let council = crate::minutes::council(&app).await;
    // a member chose a name with markup when registering
    sqlx::query("UPDATE people SET full_name = ? WHERE id = ?")
        .bind("Eva</textarea><b id=x>")
        .bind(council.seats[1].parse::<i64>().expect("id"))
        .execute(&app.state.db)
        .await
        .expect("name");
    let day = crate::minutes::meeting_day();
    let (page, _, _) =
        crate::minutes::hold(&app, &council.secretary, &day, &council.seats, None).await;
    let (status, html) = council.secretary.text(&format!("{page}/minutes")).await;
    assert_eq!(status, StatusCode::OK);
    assert_inert(&html, "the minutes editor");
    assert!(
        html.contains("Eva&lt;/textarea&gt;&lt;b id=x&gt;"),
        "the name is in the draft, as text"
    );
    app.stop().await;
}
