//! Turns the translation files (`locales/es.ftl`, `locales/en.ftl` and the per-area files in
//! `locales/es/`, `locales/en/`) into one struct with a field
//! per message, so a missing translation or a misspelt key is a build error, not a blank page.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

const LANGS: [(&str, &str); 2] = [("ES", "es"), ("EN", "en")];

/// The messages of one language: `locales/{code}.ftl` and every `locales/{code}/*.ftl` (one file
/// per area of the portal), as one catalogue.
fn parse_lang(dir: &Path, code: &str) -> BTreeMap<String, String> {
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

fn parse(path: &Path, out: &mut BTreeMap<String, String>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            panic!("{}:{}: expected `key = text`", path.display(), n + 1);
        };
        let key = key.trim();
        assert!(
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{}:{}: keys are lowercase ascii words joined by _",
            path.display(),
            n + 1
        );
        let value = value.trim().replace("\\n", "\n");
        if out.insert(key.to_string(), value).is_some() {
            panic!("{}:{}: `{key}` is defined twice", path.display(), n + 1);
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
    }
    let mut src = String::from(
        "/// Every message of the interface, in one language.\n#[derive(Debug)]\npub struct Tr {\n",
    );
    for key in &keys {
        writeln!(src, "    pub {key}: &'static str,").expect("write to string");
    }
    src.push_str("}\n\nimpl Tr {\n    /// Every (key, message) pair, for checks over the whole catalogue.\n    pub fn entries(&self) -> Vec<(&'static str, &'static str)> {\n        vec![\n");
    for key in &keys {
        writeln!(src, "            ({key:?}, self.{key}),").expect("write to string");
    }
    src.push_str("        ]\n    }\n}\n");
    for ((konst, _), file) in LANGS.iter().zip(&files) {
        writeln!(src, "pub static {konst}: Tr = Tr {{").expect("write to string");
        for key in &keys {
            writeln!(src, "    {key}: {:?},", file[*key]).expect("write to string");
        }
        src.push_str("};\n");
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("tr.rs");
    std::fs::write(out, src).expect("write tr.rs");
}
