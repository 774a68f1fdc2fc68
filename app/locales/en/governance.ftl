# Governance seats (Red Blockchain México model): why an appointment is refused, and the texts of
# the ranking of nominees. Every key must also exist in es/governance.ftl.

seat_not_a_seat = That role is not a governance seat; its terms are not governed by these rules.
seat_collective_required = Collective leader and commission seats belong to a collective; say which one.
seat_collective_not_applicable = The Executive Secretary and Advisory Council seats do not belong to any collective.
seat_ends_before_start = The term ends before it starts.
seat_term_too_long = A term in this office lasts at most {months} months.
seat_not_in_collective = The person, or their institution, must be a member of the collective on the day the term starts.
seat_wrong_profile = This seat requires a {profile}.
seat_overlapping_term = The person already holds this seat (office #{office}) for part of that period.
seat_seats_full = All {max} seats of this office are taken in that period.
seat_same_institution = Another leader of the collective is from the same institution (office #{office}); no two leaders of a collective may come from one institution.
seat_renewals_exhausted = This office can be renewed only {max} times in a row.

seat_profile_business = business profile
seat_profile_technical = technical profile
seat_profile_none = no profile declared
seat_rank_criteria = Criteria: time as network member, collaboration in projects, blockchain experience
seat_seniority_days = {days} days as member
seat_projects = {count} projects
seat_experience_years = {years} years of experience
