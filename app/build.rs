//! Turns the translation files (`locales/es.ftl`, `locales/en.ftl` and the per-area files in
//! `locales/es/`, `locales/en/`) into one struct with a field
//! per message, so a missing translation or a misspelt key is a build error, not a blank page.
//!
//! A message is one line, `key = text`, or a plural selector as Fluent writes it:
//!
//! ```text
//! gov_candidacies_count = { $count ->
//!     [one] {count} candidatura
//!    *[other] {count} candidaturas
//! }
//! ```
//!
//! which becomes a `Plural` field (`t.gov_candidacies_count.pick(n)`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

const LANGS: [(&str, &str); 2] = [("ES", "es"), ("EN", "en")];

#[derive(Debug, PartialEq)]
enum Message {
    Text(String),
    /// One text for a count of one, another for every other count.
    Plural {
        var: String,
        one: String,
        other: String,
    },
}

/// The messages of one language: `locales/{code}.ftl` and every `locales/{code}/*.ftl` (one file
/// per area of the portal), as one catalogue.
fn parse_lang(dir: &Path, code: &str) -> BTreeMap<String, Message> {
    let main = dir.join(format!("{code}.ftl"));
    println!("cargo::rerun-if-changed={}", main.display());
    let mut out = BTreeMap::new();
    parse(&main, &mut out);
    let sub = dir.join(code);
    println!("cargo::rerun-if-changed={}", sub.display());
    if let Ok(entries) = std::fs::read_dir(&sub) {
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
            .collect();
        paths.sort();
        for path in paths {
            println!("cargo::rerun-if-changed={}", path.display());
            parse(&path, &mut out);
        }
    }
    out
}

fn parse(path: &Path, out: &mut BTreeMap<String, Message>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let at = |what: &str| format!("{}:{}: {what}", path.display(), n + 1);
        let Some((key, value)) = line.split_once('=') else {
            panic!("{}", at("expected `key = text`"));
        };
        let key = key.trim();
        assert!(
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{}",
            at("keys are lowercase ascii words joined by _")
        );
        let value = value.trim();
        let message = match value.strip_prefix("{ $").and_then(|v| v.strip_suffix("->")) {
            Some(var) => {
                let var = var.trim().to_string();
                let (mut one, mut other) = (None, None);
                loop {
                    let Some((_, variant)) = lines.next() else {
                        panic!("{}", at("a plural selector ends with `}`"));
                    };
                    let variant = variant.trim();
                    if variant == "}" {
                        break;
                    }
                    if let Some(text) = variant.strip_prefix("[one]") {
                        one = Some(text.trim().replace("\\n", "\n"));
                    } else if let Some(text) = variant.strip_prefix("*[other]") {
                        other = Some(text.trim().replace("\\n", "\n"));
                    } else {
                        panic!(
                            "{}",
                            at("a plural selector has `[one]` and `*[other]` variants")
                        );
                    }
                }
                let (Some(one), Some(other)) = (one, other) else {
                    panic!(
                        "{}",
                        at("a plural selector needs both `[one]` and `*[other]`")
                    );
                };
                Message::Plural { var, one, other }
            }
            None => Message::Text(value.replace("\\n", "\n")),
        };
        if out.insert(key.to_string(), message).is_some() {
            panic!("{}", at(&format!("`{key}` is defined twice")));
        }
    }
}

fn main() {
    let dir =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("locales");
    let files: Vec<_> = LANGS
        .iter()
        .map(|(_, code)| parse_lang(&dir, code))
        .collect();
    let keys: Vec<&String> = files[0].keys().collect();
    for ((_, code), file) in LANGS.iter().zip(&files) {
        let missing: Vec<_> = keys.iter().filter(|k| !file.contains_key(**k)).collect();
        let extra: Vec<_> = file.keys().filter(|k| !files[0].contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "locales/{code}.ftl: missing {missing:?}, not in es.ftl {extra:?}"
        );
        for key in &keys {
            let same_kind = matches!(
                (&files[0][*key], &file[*key]),
                (Message::Text(_), Message::Text(_))
                    | (Message::Plural { .. }, Message::Plural { .. })
            );
            assert!(
                same_kind,
                "locales/{code}: `{key}` is a plural in one language and not in the other"
            );
        }
    }
    let plural = |key: &str| matches!(files[0][key], Message::Plural { .. });
    let mut src = String::from(
        "/// Every message of the interface, in one language.\n#[derive(Debug)]\npub struct Tr {\n",
    );
    for key in &keys {
        let ty = if plural(key) {
            "Plural"
        } else {
            "&'static str"
        };
        writeln!(src, "    pub {key}: {ty},").expect("write to string");
    }
    src.push_str("}\n\nimpl Tr {\n    /// Every (key, message) pair, for checks over the whole catalogue (a plural's variants\n    /// as `key[one]` and `key[other]`).\n    pub fn entries(&self) -> Vec<(&'static str, &'static str)> {\n        vec![\n");
    for key in &keys {
        if plural(key) {
            writeln!(
                src,
                "            (\"{key}[one]\", self.{key}.one),\n            (\"{key}[other]\", self.{key}.other),"
            )
            .expect("write to string");
        } else {
            writeln!(src, "            ({key:?}, self.{key}),").expect("write to string");
        }
    }
    src.push_str("        ]\n    }\n}\n");
    for ((konst, _), file) in LANGS.iter().zip(&files) {
        writeln!(src, "pub static {konst}: Tr = Tr {{").expect("write to string");
        for key in &keys {
            match &file[*key] {
                Message::Text(text) => writeln!(src, "    {key}: {text:?},"),
                Message::Plural { var, one, other } => writeln!(
                    src,
                    "    {key}: Plural {{ var: {var:?}, one: {one:?}, other: {other:?} }},"
                ),
            }
            .expect("write to string");
        }
        src.push_str("};\n");
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("tr.rs");
    std::fs::write(out, src).expect("write tr.rs");
}
