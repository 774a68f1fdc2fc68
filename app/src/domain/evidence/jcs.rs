//! RFC 8785 canonical JSON, the data hash (hash 1) and the items root.
//!
//! Canonicalisation is done by `serde_json_canonicalizer`. JCS works on I-JSON (RFC 7493):
//! numbers are IEEE doubles, so an integer beyond ±(2^53−1) would silently change value. Such
//! integers are refused before parsing, from the raw text ([`check_integers`]).

use super::Hash;
use super::merkle;
use serde_json::Value;

/// Why a submitted JSON value is not accepted for hashing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JsonProblem {
    #[error(
        "the integer {0} is beyond ±(2^53−1) and cannot be represented exactly (I-JSON, RFC 7493)"
    )]
    UnsafeInteger(String),
    #[error("expected a JSON object")]
    NotAnObject,
    /// The JSON pointer (RFC 6901) of a member whose name the object already had.
    #[error("the member {0} appears twice in its object (I-JSON, RFC 7493, forbids it)")]
    DuplicateKey(String),
}

/// Refuses an object with two members of the same name anywhere in a JSON text: RFC 7493
/// forbids it, and two parsers could keep different ones and so hash different records. Other
/// syntax errors are left to the parser that reads the value.
pub fn check_duplicate_keys(raw: &str) -> Result<(), JsonProblem> {
    use serde::de::DeserializeSeed;
    const MARK: &str = "minga-duplicate-key:";
    let mut de = serde_json::Deserializer::from_str(raw);
    match (NoDuplicates { pointer: "" }).deserialize(&mut de) {
        Ok(()) => Ok(()),
        Err(e) => {
            let text = e.to_string();
            match text.strip_prefix(MARK) {
                // serde_json adds " at line L column C" to custom errors
                Some(rest) => Err(JsonProblem::DuplicateKey(
                    rest.rsplit_once(" at line ")
                        .map_or(rest, |(p, _)| p)
                        .to_string(),
                )),
                None => Ok(()),
            }
        }
    }
}

/// Walks a JSON value without keeping it, refusing repeated member names.
struct NoDuplicates<'a> {
    pointer: &'a str,
}

/// A member name as a JSON pointer token (RFC 6901: `~` as `~0`, `/` as `~1`).
fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

impl<'de> serde::de::DeserializeSeed<'de> for NoDuplicates<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for NoDuplicates<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let pointer = format!("{}/{i}", self.pointer);
            if seq
                .next_element_seed(NoDuplicates { pointer: &pointer })?
                .is_none()
            {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            let pointer = format!("{}/{}", self.pointer, pointer_token(&name));
            if !seen.insert(name) {
                return Err(serde::de::Error::custom(format!(
                    "minga-duplicate-key:{pointer}"
                )));
            }
            map.next_value_seed(NoDuplicates { pointer: &pointer })?;
        }
        Ok(())
    }
}

const MAX_SAFE: u64 = (1 << 53) - 1;

/// Refuses integer literals outside ±(2^53−1) anywhere in a JSON text. Strings are skipped;
/// numbers with a fraction or an exponent are doubles by definition and are left alone.
pub fn check_integers(raw: &str) -> Result<(), JsonProblem> {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let token = &raw[start..i];
                if !token.contains(['.', 'e', 'E']) {
                    let digits = token.trim_start_matches('-');
                    let too_big =
                        digits.len() > 16 || digits.parse::<u64>().map_or(true, |v| v > MAX_SAFE);
                    if too_big {
                        return Err(JsonProblem::UnsafeInteger(token.to_string()));
                    }
                }
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// The same rule over a parsed value: integers held as such must be within ±(2^53−1).
/// (Larger literals that serde_json could only read as doubles are caught by [`check_integers`].)
pub fn check_value_integers(value: &Value) -> Result<(), JsonProblem> {
    match value {
        Value::Number(n) => {
            let too_big = n.as_u64().is_some_and(|v| v > MAX_SAFE)
                || n.as_i64().is_some_and(|v| v.unsigned_abs() > MAX_SAFE);
            if too_big {
                Err(JsonProblem::UnsafeInteger(n.to_string()))
            } else {
                Ok(())
            }
        }
        Value::Array(a) => a.iter().try_for_each(check_value_integers),
        Value::Object(o) => o.values().try_for_each(check_value_integers),
        _ => Ok(()),
    }
}

/// The RFC 8785 canonical form of a value.
pub fn canonicalize(value: &Value) -> Vec<u8> {
    // a serde_json::Value holds only finite numbers, the one thing JCS could refuse
    serde_json_canonicalizer::to_vec(value).unwrap_or_default()
}

/// Hash 1: SHA-256 of the canonical JSON of the record's data.
pub fn data_hash(data: &Value) -> Hash {
    Hash::of(&canonicalize(data))
}

/// The RFC 9162 Merkle tree hash over the canonical JSON of each item; `None` without items.
pub fn items_root(items: &[Value]) -> Option<Hash> {
    if items.is_empty() {
        return None;
    }
    let mut frontier = merkle::Frontier::default();
    for item in items {
        frontier.append(merkle::leaf_hash(&canonicalize(item)));
    }
    Some(frontier.root())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jcs(text: &str) -> String {
        String::from_utf8(canonicalize(&serde_json::from_str(text).expect("json"))).expect("utf-8")
    }

    #[test]
    fn repeated_member_names_are_refused_with_their_pointer() {
        let cases = [
            (r#"{"a":1,"b":2}"#, Ok(())),
            (r#"{"a":{"a":1},"b":[{"a":1},{"a":2}]}"#, Ok(())),
            (r#"{"a":1,"a":2}"#, Err("/a")),
            (r#"{"x":[0,{"k":1,"k":1}]}"#, Err("/x/1/k")),
            (r#"{"a/b~":1,"a\/b~":2}"#, Err("/a~1b~0")),
            // the same name, written with an escape
            (r#"{"é":1,"é":2}"#, Err("/é")),
            // syntax errors are the parser's to report
            (r#"{"a":"#, Ok(())),
        ];
        for (text, expected) in cases {
            assert_eq!(
                check_duplicate_keys(text),
                expected.map_err(|p| JsonProblem::DuplicateKey(p.to_string())),
                "{text}"
            );
        }
    }

    #[test]
    fn rfc8785_sample_of_section_3_2_2() {
        let input = r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#;
        assert_eq!(
            jcs(input),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    #[test]
    fn rfc8785_property_sorting_by_utf16_code_units() {
        // §3.2.3: sorted by UTF-16 code units, not by UTF-8 bytes or code points
        let input = r#"{"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}"#;
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\
                        \"\u{20ac}\":\"Euro Sign\",\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
        assert_eq!(jcs(input), expected);
    }

    #[test]
    fn rfc8785_appendix_b_numbers() {
        // IEEE 754 doubles (by bit pattern) and their JCS text, from RFC 8785 Appendix B
        let cases: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for (bits, expected) in cases {
            let v = Value::from(f64::from_bits(*bits));
            assert_eq!(
                String::from_utf8(canonicalize(&v)).expect("utf-8"),
                *expected,
                "{bits:#018x}"
            );
        }
    }

    #[test]
    fn unsafe_integers_are_refused_from_the_raw_text() {
        assert_eq!(
            check_integers(r#"{"a": 9007199254740991, "b": -9007199254740991}"#),
            Ok(())
        );
        assert_eq!(
            check_integers(r#"{"a": 9007199254740992}"#),
            Err(JsonProblem::UnsafeInteger("9007199254740992".into()))
        );
        assert_eq!(
            check_integers(r#"[1, -12345678901234567890]"#),
            Err(JsonProblem::UnsafeInteger("-12345678901234567890".into()))
        );
        assert!(check_integers(r#"{"a": 123456789012345678901234567890}"#).is_err());
        // doubles by syntax, numbers inside strings, escaped quotes
        assert_eq!(
            check_integers(
                r#"{"a": 1e30, "b": 12345678901234567890.5, "c": "9007199254740993", "d": "q\"9007199254740993"}"#
            ),
            Ok(())
        );
    }

    #[test]
    fn unsafe_integers_are_refused_in_parsed_values() {
        assert_eq!(
            check_value_integers(&json!({"a": [1, {"b": -9007199254740991i64}]})),
            Ok(())
        );
        assert!(check_value_integers(&json!({"a": [1, {"b": 9007199254740992u64}]})).is_err());
        assert!(check_value_integers(&json!(-9007199254740992i64)).is_err());
        assert_eq!(check_value_integers(&json!(1.5e300)), Ok(()));
    }

    #[test]
    fn data_hash_and_items_root() {
        // key order and insignificant whitespace do not change hash 1
        let a = data_hash(&json!({"orden": "OC-2026-1", "monto": 1500.5, "entidad": "Minsa"}));
        let b = data_hash(
            &serde_json::from_str(r#"{ "entidad":"Minsa","monto":1500.50,"orden":"OC-2026-1" }"#)
                .expect("json"),
        );
        assert_eq!(a, b);
        assert_eq!(
            a,
            Hash::of(br#"{"entidad":"Minsa","monto":1500.5,"orden":"OC-2026-1"}"#)
        );
        assert_eq!(items_root(&[]), None);
        let one = json!({"proforma": 1});
        assert_eq!(
            items_root(std::slice::from_ref(&one)),
            Some(merkle::leaf_hash(br#"{"proforma":1}"#))
        );
        let two = [json!({"proforma": 1}), json!({"proforma": 2})];
        assert_eq!(
            items_root(&two),
            Some(merkle::node_hash(
                &merkle::leaf_hash(br#"{"proforma":1}"#),
                &merkle::leaf_hash(br#"{"proforma":2}"#)
            ))
        );
    }
}
