//! How each refusal of the domain reads, in each language. A `match` per enum, so a new reason
//! without a message does not compile.

mod governance;
mod meetings;
mod voting;

use super::{Tr, fill};
use crate::domain::accounts::AccountProblem;
use crate::domain::roles::{GrantRefusal, RevokeRefusal};
use crate::error::Reason;

impl Reason for AccountProblem {
    fn code(&self) -> &'static str {
        match self {
            AccountProblem::Required => "required",
            AccountProblem::TooLong { .. } => "too_long",
            AccountProblem::EmailInvalid => "email_invalid",
            AccountProblem::EmailTaken => "email_taken",
            AccountProblem::NameInvalid => "name_invalid",
            AccountProblem::PasswordTooShort { .. } => "password_too_short",
            AccountProblem::PasswordTooLong { .. } => "password_too_long",
            AccountProblem::PasswordLikeIdentity => "password_like_identity",
            AccountProblem::PasswordTooSimple => "password_too_simple",
            AccountProblem::PasswordsDiffer => "passwords_differ",
            AccountProblem::PasswordWrong => "password_wrong",
            AccountProblem::PasswordUnchanged => "password_unchanged",
            AccountProblem::OwnAccount => "own_account",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            AccountProblem::Required => t.problem_required.to_string(),
            AccountProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            AccountProblem::EmailInvalid => t.problem_email_invalid.to_string(),
            AccountProblem::EmailTaken => t.problem_email_taken.to_string(),
            AccountProblem::NameInvalid => t.problem_name_invalid.to_string(),
            AccountProblem::PasswordTooShort { min } => {
                fill(t.problem_password_too_short, &[("min", min)])
            }
            AccountProblem::PasswordTooLong { max } => {
                fill(t.problem_password_too_long, &[("max", max)])
            }
            AccountProblem::PasswordLikeIdentity => t.problem_password_like_identity.to_string(),
            AccountProblem::PasswordTooSimple => t.problem_password_too_simple.to_string(),
            AccountProblem::PasswordsDiffer => t.problem_passwords_differ.to_string(),
            AccountProblem::PasswordWrong => t.problem_password_wrong.to_string(),
            AccountProblem::PasswordUnchanged => t.problem_password_unchanged.to_string(),
            AccountProblem::OwnAccount => t.problem_own_account.to_string(),
        }
    }
}

impl Reason for GrantRefusal {
    fn code(&self) -> &'static str {
        match self {
            GrantRefusal::ImpliedRole => "implied_role",
            GrantRefusal::CollectiveRequired => "collective_required",
            GrantRefusal::CollectiveNotApplicable => "collective_not_applicable",
            GrantRefusal::EndsBeforeStart => "ends_before_start",
            GrantRefusal::Overlaps { .. } => "overlapping_office",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            GrantRefusal::ImpliedRole => t.refusal_implied_role.to_string(),
            GrantRefusal::CollectiveRequired => t.refusal_collective_required.to_string(),
            GrantRefusal::CollectiveNotApplicable => {
                t.refusal_collective_not_applicable.to_string()
            }
            GrantRefusal::EndsBeforeStart => t.refusal_ends_before_start.to_string(),
            GrantRefusal::Overlaps { office_id } => {
                fill(t.refusal_overlapping_office, &[("office", office_id)])
            }
        }
    }
}

impl Reason for RevokeRefusal {
    fn code(&self) -> &'static str {
        match self {
            RevokeRefusal::AlreadyEnded => "already_ended",
            RevokeRefusal::LastAdministrator => "last_administrator",
            RevokeRefusal::CouncilDecides => "decided_by_the_council",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            RevokeRefusal::AlreadyEnded => t.refusal_already_ended.to_string(),
            RevokeRefusal::LastAdministrator => t.refusal_last_administrator.to_string(),
            RevokeRefusal::CouncilDecides => t.refusal_council_decides.to_string(),
        }
    }

    fn link(&self, t: &'static Tr) -> Option<(&'static str, &'static str)> {
        matches!(self, RevokeRefusal::CouncilDecides)
            .then_some(("/advisory/removals", t.adv_removals_title))
    }
}

/// A date field that does not hold a date (`YYYY-MM-DD`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateInvalid;

impl Reason for DateInvalid {
    fn code(&self) -> &'static str {
        "date_invalid"
    }
    fn message(&self, t: &'static Tr) -> String {
        t.problem_date_invalid.to_string()
    }
}

/// A choice that is not one of the offered options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChoiceInvalid;

impl Reason for ChoiceInvalid {
    fn code(&self) -> &'static str {
        "choice_invalid"
    }
    fn message(&self, t: &'static Tr) -> String {
        t.problem_choice_invalid.to_string()
    }
}

impl Reason for crate::domain::evidence::submission::SubmissionProblem {
    fn code(&self) -> &'static str {
        use crate::domain::evidence::submission::SubmissionProblem as P;
        match self {
            P::Required => "required",
            P::KindInvalid => "kind_invalid",
            P::KindNotAllowed => "kind_not_allowed",
            P::RefInvalid => "ref_invalid",
            P::NotAnObject => "not_an_object",
            P::ItemNotAnObject { .. } => "item_not_an_object",
            P::TooManyItems { .. } => "too_many_items",
            P::DocumentTooLarge { .. } => "document_too_large",
            P::RecordTooLarge { .. } => "record_too_large",
            P::DocumentEmpty => "document_empty",
            P::MediaTypeInvalid => "media_type_invalid",
            P::Base64Invalid => "base64_invalid",
            P::UnsafeInteger(_) => "unsafe_integer",
            P::BatchTooLarge { .. } => "batch_too_large",
            P::BatchEmpty => "batch_empty",
            P::JsonInvalid(_) => "json_invalid",
            P::DuplicateKey(_) => "duplicate_key",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        use crate::domain::evidence::submission::SubmissionProblem as P;
        match self {
            P::Required => t.problem_required.to_string(),
            P::KindInvalid => t.submission_kind_invalid.to_string(),
            P::KindNotAllowed => t.submission_kind_not_allowed.to_string(),
            P::RefInvalid => t.submission_ref_invalid.to_string(),
            P::NotAnObject => t.submission_not_an_object.to_string(),
            P::ItemNotAnObject { position } => {
                fill(t.submission_item_not_an_object, &[("position", position)])
            }
            P::TooManyItems { max } => fill(t.submission_too_many_items, &[("max", max)]),
            P::DocumentTooLarge { max } => fill(t.submission_document_too_large, &[("max", max)]),
            P::RecordTooLarge { max } => fill(t.submission_record_too_large, &[("max", max)]),
            P::DocumentEmpty => t.submission_document_empty.to_string(),
            P::MediaTypeInvalid => t.submission_media_type_invalid.to_string(),
            P::Base64Invalid => t.submission_base64_invalid.to_string(),
            P::UnsafeInteger(n) => fill(t.submission_unsafe_integer, &[("number", n)]),
            P::BatchTooLarge { max } => fill(t.submission_batch_too_large, &[("max", max)]),
            P::BatchEmpty => t.submission_batch_empty.to_string(),
            P::JsonInvalid(detail) => fill(t.submission_json_invalid, &[("detail", detail)]),
            P::DuplicateKey(pointer) => fill(t.submission_duplicate_key, &[("pointer", pointer)]),
        }
    }

    fn pointer(&self) -> Option<String> {
        use crate::domain::evidence::submission::SubmissionProblem as P;
        match self {
            P::DuplicateKey(pointer) => Some(pointer.clone()),
            _ => None,
        }
    }
}

impl Reason for crate::services::evidence::AtPosition {
    fn code(&self) -> &'static str {
        self.problem.code()
    }

    fn message(&self, t: &'static Tr) -> String {
        format!(
            "evidences[{}].{}: {}",
            self.position,
            self.field,
            self.problem.message(t)
        )
    }

    fn pointer(&self) -> Option<String> {
        Some(match &self.pointer {
            Some(inner) => format!("/evidences/{}{inner}", self.position),
            None => format!("/evidences/{}/{}", self.position, self.field),
        })
    }
}
