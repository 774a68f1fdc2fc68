//! Spanish first, English second: the translations live in `locales/*.ftl` and are compiled into
//! [`Tr`], one field per message, so that every page is complete in both languages.

mod reasons;
pub use reasons::{ChoiceInvalid, DateInvalid};

use crate::domain::roles::Role;
use std::fmt::Display;

include!(concat!(env!("OUT_DIR"), "/tr.rs"));

/// A message that depends on a count: one text for one, another for every other count (the
/// CLDR plural categories Spanish and English use for whole numbers).
#[derive(Debug, Clone, Copy)]
pub struct Plural {
    /// The placeholder the count fills (`{count}`).
    pub var: &'static str,
    pub one: &'static str,
    pub other: &'static str,
}

impl Plural {
    /// The text for `n`.
    pub fn pick(&self, n: impl TryInto<i64>) -> &'static str {
        if n.try_into().ok() == Some(1) {
            self.one
        } else {
            self.other
        }
    }

    /// The text for `n` with `n` and the other values filled in.
    pub fn fill(
        &self,
        n: impl TryInto<i64> + Display + Copy,
        args: &[(&str, &dyn Display)],
    ) -> String {
        let mut all: Vec<(&str, &dyn Display)> = vec![(self.var, &n)];
        all.extend_from_slice(args);
        fill(self.pick(n), &all)
    }
}

/// The interface languages, Spanish being the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Es,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Es, Lang::En];

    /// The text of this language out of a Spanish and an English one (names kept in both).
    pub fn pick(self, es: &str, en: &str) -> String {
        match self {
            Lang::Es => es.to_string(),
            Lang::En => en.to_string(),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn tr(self) -> &'static Tr {
        match self {
            Lang::Es => &ES,
            Lang::En => &EN,
        }
    }

    /// The language's own name, as shown in the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Es => "Español",
            Lang::En => "English",
        }
    }
}

/// Replaces each `{name}` in a message with its value.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// The name of a role in the interface.
pub fn role_name(role: Role, t: &'static Tr) -> &'static str {
    match role {
        Role::Applicant => t.role_applicant,
        Role::Member => t.role_member,
        Role::ProjectUser => t.role_project_user,
        Role::CollectiveLeader => t.role_collective_leader,
        Role::ExecutiveSecretary => t.role_executive_secretary,
        Role::ProjectsCommission => t.role_projects_commission,
        Role::NodesCommission => t.role_nodes_commission,
        Role::AdvisoryMember => t.role_advisory_member,
        Role::Administrator => t.role_administrator,
    }
}

/// The name of a sector as stored in the database.
pub fn sector_name(sector: &str, t: &'static Tr) -> &'static str {
    match sector {
        "academic" => t.sector_academic,
        "business" => t.sector_business,
        "public" => t.sector_public,
        "civil_society" => t.sector_civil_society,
        _ => t.sector_other,
    }
}

/// Formats a UTC time for people: `2026-11-22 14:05 UTC`.
pub fn datetime(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_placeholder() {
        assert_eq!(
            fill("{a} y {b} y {a}", &[("a", &1), ("b", &"dos")]),
            "1 y dos y 1"
        );
    }

    #[test]
    fn plural_messages_agree_with_their_count() {
        assert_eq!(ES.gov_candidacies_count.fill(1, &[]), "1 candidatura");
        assert_eq!(ES.gov_candidacies_count.fill(0, &[]), "0 candidaturas");
        assert_eq!(ES.gov_candidacies_count.fill(3, &[]), "3 candidaturas");
        assert_eq!(EN.gov_candidacies_count.fill(1, &[]), "1 candidacy");
        assert_eq!(EN.gov_candidacies_count.fill(0, &[]), "0 candidacies");
        assert_eq!(ES.gov_members_individuals.fill(1, &[]), "1 persona miembro");
        assert_eq!(
            ES.gov_call_line.fill(2, &[("closes", &"2026-12-15")]),
            "2 lugares, candidaturas hasta el 2026-12-15"
        );
        assert_eq!(
            EN.gov_call_line.fill(1, &[("closes", &"2026-12-15")]),
            "1 seat, candidacies until 2026-12-15"
        );
    }

    #[test]
    fn languages_round_trip_their_codes() {
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
        }
        assert_eq!(Lang::parse(" EN "), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn no_message_is_empty_and_placeholders_match() {
        // The build already refuses a key missing from either file; here: no message is empty and
        // the English text has exactly the placeholders of the Spanish one.
        let placeholders = |s: &str| -> Vec<String> {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            v.sort();
            v
        };
        for ((key, es), (_, en)) in ES.entries().into_iter().zip(EN.entries()) {
            assert!(
                !es.trim().is_empty() && !en.trim().is_empty(),
                "`{key}` is empty"
            );
            assert_eq!(
                placeholders(es),
                placeholders(en),
                "placeholders differ in `{key}`"
            );
        }
    }
}
