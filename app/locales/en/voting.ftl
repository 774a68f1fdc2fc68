# Voting: choices, majorities, ties, delegations (liquid democracy).

voting_self_delegation = You cannot delegate your vote to yourself.
voting_delegation_cycle = That delegation would form a cycle ({chain}).
voting_choice_yes = Yes
voting_choice_no = No
voting_choice_abstain = Abstain
voting_outcome_approved = Approved
voting_outcome_rejected = Rejected
voting_tie = Tie
voting_direct = direct
voting_delegated = delegated
voting_majority_simple = Simple majority
voting_majority_absolute = Absolute majority
voting_majority_two_thirds = Two thirds
voting_tie_rejected = A tie rejects
voting_tie_approved = A tie approves
voting_tie_chair_decides = The chair breaks a tie
voting_scope_elections = Elections of representatives and councils
voting_scope_projects = Project decisions
voting_scope_collective = The collective's internal matters
