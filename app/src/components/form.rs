//! Form fields that show their error beside them and keep what was typed, and the error summary
//! at the top of a form (links to each field, announced to screen readers).

use crate::error::Invalid;
use crate::i18n::Tr;
use crate::web::Ctx;
use leptos::prelude::*;

/// The problems of a submitted form, in the visitor's language, by field.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(pub Vec<FormError>);

/// One problem of a submitted form: its field ("" for the whole form), its message, and where
/// to go to do what it asks first (address, link text), if anywhere.
#[derive(Clone, Debug)]
pub struct FormError {
    pub field: &'static str,
    pub message: String,
    pub link: Option<(&'static str, &'static str)>,
}

impl FormErrors {
    pub fn from_invalid(invalid: &Invalid, t: &'static Tr) -> FormErrors {
        FormErrors(
            invalid
                .0
                .iter()
                .map(|e| FormError {
                    field: e.field,
                    message: e.reason.message(t),
                    link: e.reason.link(t),
                })
                .collect(),
        )
    }

    /// One message about the whole form.
    pub fn general(message: String) -> FormErrors {
        FormErrors(vec![FormError {
            field: "",
            message,
            link: None,
        }])
    }

    pub fn get(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[component]
pub fn CsrfInput(ctx: Ctx) -> impl IntoView {
    view! { <input type="hidden" name="_csrf" value=ctx.csrf_token/> }
}

#[component]
pub fn ErrorSummary(
    errors: FormErrors,
    t: &'static Tr,
    /// (field, label) pairs, so that each line says which field it is about.
    #[prop(optional)]
    labels: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        let items = errors
            .0
            .into_iter()
            .map(|FormError { field, message, link }| {
                if field.is_empty() {
                    let link = link.map(|(href, text)| view! { " " <a href=href>{text}</a> });
                    view! { <li>{message}{link}</li> }.into_any()
                } else {
                    let text = match labels.iter().find(|(f, _)| *f == field) {
                        Some((_, label)) => format!("{label}: {message}"),
                        None => message,
                    };
                    view! { <li><a href=format!("#{field}")>{text}</a></li> }.into_any()
                }
            })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
                <h2 id="error-summary-title">{t.form_errors_title}</h2>
                <ul>{items}</ul>
            </div>
        }
    })
}

/// A labelled input. `error` is shown above the input and tied to it by `aria-describedby`.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(default = None)] error: Option<String>,
    #[prop(optional)] hint: Option<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let described = (!described.is_empty()).then_some(described);
    let invalid = error.is_some().then_some("true");
    let class = if error.is_some() {
        "field field-invalid"
    } else {
        "field"
    };
    // never echo a password back into the page
    let value = if kind == "password" {
        String::new()
    } else {
        value
    };
    view! {
        <div class=class>
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=error_id>{e}</p> })}
            <input id=name name=name type=kind value=value aria-invalid=invalid aria-describedby=described
                autocomplete=autocomplete required=required/>
        </div>
    }
}

/// A labelled select; `options` are (value, label) pairs, `selected` the current value.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: String,
    #[prop(default = None)] error: Option<String>,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    let described = error.as_ref().map(|_| error_id.clone());
    let invalid = error.is_some().then_some("true");
    let class = if error.is_some() {
        "field field-invalid"
    } else {
        "field"
    };
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let is_selected = value == selected;
            view! { <option value=value selected=is_selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class=class>
            <label for=name>{label}</label>
            {error.map(|e| view! { <p class="field-error" id=error_id>{e}</p> })}
            <select id=name name=name aria-invalid=invalid aria-describedby=described>{options}</select>
        </div>
    }
}

/// The names of the multi-line fields (every [`TextArea`] uses one). Every other form field is a
/// single line: [`crate::web::CsrfForm`] refuses line breaks and control characters in it.
pub const MULTILINE_FIELDS: &[&str] = &[
    "advice",
    "agreement",
    "answer_text",
    "beneficiaries",
    "change_note",
    "comment",
    "delivered",
    "description",
    "description_en",
    "description_es",
    "documents",
    "draft",
    "final_note",
    "final_text",
    "grounds",
    "guide",
    "justification",
    "justifications",
    "lessons",
    "letter",
    "motion",
    "note",
    "objectives",
    "open_data",
    "outcomes",
    "partner",
    "performance",
    "phase_mvp_deliverables",
    "phase_production_deliverables",
    "phase_proof_of_concept_deliverables",
    "phase_prototype_deliverables",
    "problem",
    "projects",
    "proposals",
    "public_value",
    "reason",
    "recommendation",
    "requested_support",
    "resolution",
    "statement",
    "strategies",
    "team",
    "text",
    "text_en",
    "text_es",
    "why_impact",
    "why_open_data",
    "why_open_source",
    "why_research",
    "why_social_benefit",
    "why_testing",
];

/// Text for the inside of a `<textarea>`. The renderer writes a textarea's children as they are
/// (it is a raw-text element to the HTML writer), so whatever anyone typed is escaped here;
/// a leading line break is doubled because the HTML parser drops the first one.
pub fn textarea_html(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    if value.starts_with('\n') || value.starts_with("\r\n") {
        out.push('\n');
    }
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A labelled multi-line field with its error; what it holds is always escaped
/// ([`textarea_html`]). `name` must be one of [`MULTILINE_FIELDS`]; `id` defaults to it (give one
/// when a page repeats the form).
#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(default = None)] error: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] id: Option<String>,
    #[prop(default = 5)] rows: u32,
) -> impl IntoView {
    debug_assert!(
        MULTILINE_FIELDS.contains(&name),
        "{name} is not listed in MULTILINE_FIELDS"
    );
    let id = id.unwrap_or_else(|| name.to_string());
    let error_id = format!("{id}-error");
    let described = error.as_ref().map(|_| error_id.clone());
    let invalid = error.is_some().then_some("true");
    let class = if error.is_some() {
        "field field-invalid"
    } else {
        "field"
    };
    view! {
        <div class=class>
            <label for=id.clone()>{label}</label>
            {error.map(|e| view! { <p class="field-error" id=error_id>{e}</p> })}
            <textarea id=id name=name rows=rows.to_string() aria-invalid=invalid aria-describedby=described required=required
                inner_html=textarea_html(&value)></textarea>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::tachys::view::RenderHtml;

    #[test]
    fn textarea_text_is_escaped_and_keeps_its_first_line_break() {
        assert_eq!(
            textarea_html("Eva</textarea><script src=x>&"),
            "Eva&lt;/textarea&gt;&lt;script src=x&gt;&amp;"
        );
        assert_eq!(textarea_html("\nsecond"), "\n\nsecond");
        assert_eq!(textarea_html(""), "");
    }

    #[test]
    fn the_textarea_component_renders_what_was_typed_inert() {
        let html = view! {
            <TextArea label="Texto" name="text" value="</textarea><b id=x>hola</b>"/>
        }
        .to_html();
        assert!(!html.contains("<b id=x>"), "{html}");
        assert!(
            html.contains("&lt;/textarea&gt;&lt;b id=x&gt;hola&lt;/b&gt;</textarea>"),
            "{html}"
        );
    }
}
