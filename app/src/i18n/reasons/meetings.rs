//! How the refusals and warnings of the meeting rules read (see [`crate::domain::meetings`]).

use crate::domain::meetings::{
    AdvisoryShortfall, NoticeRefusal, NoticeRule, ProxyRefusal, QuorumProblem, SessionTooEarly,
    StatusRefusal,
};
use crate::domain::minutes::{AgreementRefusal, MinutesRefusal};
use crate::error::Reason;
use crate::i18n::{Tr, fill};

/// A notice rule in words: "15 días naturales", "1 business day".
fn rule_text(rule: NoticeRule, t: &'static Tr) -> String {
    let template = match (rule, rule.days() == 1) {
        (NoticeRule::CalendarDays(_), true) => t.meet_rule_calendar_day,
        (NoticeRule::CalendarDays(_), false) => t.meet_rule_calendar_days,
        (NoticeRule::BusinessDays(_), true) => t.meet_rule_business_day,
        (NoticeRule::BusinessDays(_), false) => t.meet_rule_business_days,
    };
    fill(template, &[("count", &rule.days())])
}

impl Reason for NoticeRefusal {
    fn code(&self) -> &'static str {
        match self {
            NoticeRefusal::TooLate { .. } => "notice_too_late",
            NoticeRefusal::InThePast => "meeting_in_the_past",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            NoticeRefusal::TooLate { latest, rule } => fill(
                t.meet_too_late,
                &[("latest", latest), ("rule", &rule_text(*rule, t))],
            ),
            NoticeRefusal::InThePast => t.meet_in_the_past.to_string(),
        }
    }
}

impl Reason for ProxyRefusal {
    fn code(&self) -> &'static str {
        match self {
            ProxyRefusal::SelfProxy => "self_proxy",
            ProxyRefusal::NotASeat { .. } => "proxy_not_a_seat",
            ProxyRefusal::AlreadyRepresented { .. } => "already_represented",
            ProxyRefusal::ChainedProxy => "chained_proxy",
            ProxyRefusal::ProxyHoldsAnother { .. } => "proxy_holds_another",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            ProxyRefusal::SelfProxy => t.meet_self_proxy.to_string(),
            ProxyRefusal::NotASeat { person } => {
                fill(t.meet_proxy_not_a_seat, &[("person", person)])
            }
            ProxyRefusal::AlreadyRepresented { by } => {
                fill(t.meet_already_represented, &[("by", by)])
            }
            ProxyRefusal::ChainedProxy => t.meet_chained_proxy.to_string(),
            ProxyRefusal::ProxyHoldsAnother { principal } => {
                fill(t.meet_proxy_holds_another, &[("principal", principal)])
            }
        }
    }
}

impl Reason for QuorumProblem {
    fn code(&self) -> &'static str {
        match self {
            QuorumProblem::MissingSecretary => "quorum_missing_secretary",
            QuorumProblem::MembersShort { .. } => "quorum_members_short",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            QuorumProblem::MissingSecretary => t.meet_quorum_missing_secretary.to_string(),
            QuorumProblem::MembersShort {
                count,
                present,
                required,
            } => {
                let template = if *count == 1 {
                    t.meet_quorum_member_short
                } else {
                    t.meet_quorum_members_short
                };
                fill(
                    template,
                    &[
                        ("count", count),
                        ("present", present),
                        ("required", required),
                    ],
                )
            }
        }
    }
}

impl Reason for AdvisoryShortfall {
    fn code(&self) -> &'static str {
        "advisory_shortfall"
    }

    fn message(&self, t: &'static Tr) -> String {
        fill(
            t.meet_advisory_shortfall,
            &[
                ("year", &self.year),
                ("held", &self.held),
                ("scheduled", &self.scheduled),
                ("required", &self.required),
                ("shortfall", &self.shortfall),
            ],
        )
    }
}

impl Reason for StatusRefusal {
    fn code(&self) -> &'static str {
        match self {
            StatusRefusal::NotDraft => "not_draft",
            StatusRefusal::NotConvened => "not_convened",
            StatusRefusal::Closed => "meeting_closed",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            StatusRefusal::NotDraft => t.mtg_problem_not_draft.to_string(),
            StatusRefusal::NotConvened => t.mtg_problem_not_convened.to_string(),
            StatusRefusal::Closed => t.mtg_problem_closed.to_string(),
        }
    }
}

impl Reason for SessionTooEarly {
    fn code(&self) -> &'static str {
        "session_too_early"
    }

    fn message(&self, t: &'static Tr) -> String {
        fill(t.mtg_problem_too_early, &[("from", &self.from)])
    }
}

impl Reason for MinutesRefusal {
    fn code(&self) -> &'static str {
        match self {
            MinutesRefusal::Approved => "minutes_approved",
            MinutesRefusal::NotCirculated => "minutes_not_circulated",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            MinutesRefusal::Approved => t.min_problem_approved.to_string(),
            MinutesRefusal::NotCirculated => t.min_problem_not_circulated.to_string(),
        }
    }
}

impl Reason for AgreementRefusal {
    fn code(&self) -> &'static str {
        match self {
            AgreementRefusal::NotProposed => "not_proposed",
            AgreementRefusal::NotOpen => "not_open",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            AgreementRefusal::NotProposed => t.min_problem_not_proposed.to_string(),
            AgreementRefusal::NotOpen => t.min_problem_not_open.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use chrono::NaiveDate;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn notice_refusals_read_in_both_languages() {
        let cases = [
            (
                NoticeRule::CalendarDays(15),
                "La convocatoria debe enviarse a más tardar el 2026-02-23 (15 días naturales antes de la sesión).",
                "The notice of the meeting must be sent on 2026-02-23 at the latest (15 calendar days before the meeting).",
            ),
            (
                NoticeRule::BusinessDays(15),
                "La convocatoria debe enviarse a más tardar el 2026-02-23 (15 días hábiles antes de la sesión).",
                "The notice of the meeting must be sent on 2026-02-23 at the latest (15 business days before the meeting).",
            ),
            (
                NoticeRule::BusinessDays(1),
                "La convocatoria debe enviarse a más tardar el 2026-02-23 (1 día hábil antes de la sesión).",
                "The notice of the meeting must be sent on 2026-02-23 at the latest (1 business day before the meeting).",
            ),
            (
                NoticeRule::CalendarDays(1),
                "La convocatoria debe enviarse a más tardar el 2026-02-23 (1 día natural antes de la sesión).",
                "The notice of the meeting must be sent on 2026-02-23 at the latest (1 calendar day before the meeting).",
            ),
        ];
        for (rule, es, en) in cases {
            let r = NoticeRefusal::TooLate {
                latest: day("2026-02-23"),
                rule,
            };
            assert_eq!(r.code(), "notice_too_late");
            assert_eq!(r.message(Lang::Es.tr()), es);
            assert_eq!(r.message(Lang::En.tr()), en);
        }
        assert_eq!(NoticeRefusal::InThePast.code(), "meeting_in_the_past");
        assert!(!NoticeRefusal::InThePast.message(Lang::Es.tr()).is_empty());
    }

    #[test]
    fn proxy_refusals_read_in_both_languages() {
        let cases = [
            (ProxyRefusal::SelfProxy, "self_proxy"),
            (ProxyRefusal::NotASeat { person: 99 }, "proxy_not_a_seat"),
            (
                ProxyRefusal::AlreadyRepresented { by: 42 },
                "already_represented",
            ),
            (ProxyRefusal::ChainedProxy, "chained_proxy"),
            (
                ProxyRefusal::ProxyHoldsAnother { principal: 14 },
                "proxy_holds_another",
            ),
        ];
        for (r, code) in cases {
            assert_eq!(r.code(), code);
            for lang in Lang::ALL {
                let m = r.message(lang.tr());
                assert!(!m.is_empty() && !m.contains('{'), "{code}: {m}");
            }
        }
        assert_eq!(
            ProxyRefusal::ProxyHoldsAnother { principal: 14 }.message(Lang::En.tr()),
            "That person already represents another seat (person no. 14's); a representative carries at most one seat besides their own."
        );
    }

    #[test]
    fn quorum_and_outlook_read_in_both_languages() {
        let short = |count| QuorumProblem::MembersShort {
            count,
            present: 6 - count,
            required: 6,
        };
        assert_eq!(
            short(2).message(Lang::Es.tr()),
            "Faltan 2 miembros para el quórum (4 de 6)."
        );
        assert_eq!(
            short(1).message(Lang::Es.tr()),
            "Falta 1 miembro para el quórum (5 de 6)."
        );
        assert_eq!(
            short(2).message(Lang::En.tr()),
            "2 more members are needed for quorum (4 of 6)."
        );
        assert_eq!(
            short(1).message(Lang::En.tr()),
            "1 more member is needed for quorum (5 of 6)."
        );
        assert_eq!(
            QuorumProblem::MissingSecretary.code(),
            "quorum_missing_secretary"
        );
        let warning = AdvisoryShortfall {
            year: 2026,
            held: 2,
            scheduled: 0,
            required: 3,
            shortfall: 1,
        };
        assert_eq!(
            warning.message(Lang::Es.tr()),
            "El Consejo Asesor debe sesionar al menos 3 veces en 2026 (celebradas: 2; programadas: 0): falta convocar 1."
        );
        assert_eq!(
            warning.message(Lang::En.tr()),
            "The Advisory Council must meet at least 3 times in 2026 (held: 2; scheduled: 0): 1 more must be convened."
        );
    }
}
