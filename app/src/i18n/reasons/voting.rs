//! How the refusals of the voting rules read.

use crate::domain::voting::DelegationRefusal;
use crate::error::Reason;
use crate::i18n::{Tr, fill};

impl Reason for DelegationRefusal {
    fn code(&self) -> &'static str {
        match self {
            DelegationRefusal::SelfDelegation => "self_delegation",
            DelegationRefusal::Cycle { .. } => "delegation_cycle",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            DelegationRefusal::SelfDelegation => t.voting_self_delegation.to_string(),
            DelegationRefusal::Cycle { through } => {
                let chain = through
                    .iter()
                    .map(|id| id.to_string())
                    .collect::<Vec<_>>()
                    .join(" → ");
                fill(t.voting_delegation_cycle, &[("chain", &chain)])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn refusals_read_in_both_languages() {
        let cycle = DelegationRefusal::Cycle {
            through: vec![4, 8, 15],
        };
        assert_eq!(DelegationRefusal::SelfDelegation.code(), "self_delegation");
        assert_eq!(cycle.code(), "delegation_cycle");
        assert_eq!(
            cycle.message(Lang::Es.tr()),
            "Esa delegación formaría un ciclo (4 → 8 → 15)."
        );
        assert_eq!(
            cycle.message(Lang::En.tr()),
            "That delegation would form a cycle (4 → 8 → 15)."
        );
        assert_eq!(
            DelegationRefusal::SelfDelegation.message(Lang::En.tr()),
            "You cannot delegate your vote to yourself."
        );
    }
}
