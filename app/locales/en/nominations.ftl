# Executive Council designation: proposals by the collective leaders, ranking by the seed's
# criteria and designation by the Advisory Council. Every key must also exist in
# es/nominations.ftl.

nom_title = Executive Council designation
nom_intro = Collective leaders propose candidates for the Executive Secretary and for their collective's seat in the projects commission and in the nodes commission. The portal ranks them and the Advisory Council designates. The ranking is public so that anyone can review it.
nom_rules = { $seats ->
    [one] Each collective has {seats} seat in the projects commission (business profile) and in the nodes commission (technical profile). Terms last {months} months.
   *[other] Each collective has {seats} seats in the projects commission (business profile) and in the nodes commission (technical profile). Terms last {months} months.
}
nom_criteria_detail = In that order: first the time as a member of the network (from the first membership of the person or their institution in any collective); on a tie, the network projects they collaborated in; on a further tie, their years of blockchain experience. Nominees equal on all three share a rank.
nom_proposals_title = Nominees by seat
nom_none_pending = No nominations are awaiting designation.
nom_holder = Current holder: {name}, term {term}.
nom_seat_vacant = The seat is vacant today.
nom_col_rank = Rank
nom_col_nominee = Nominee
nom_col_seniority = Time in the network
nom_col_projects = Network projects
nom_col_experience = Blockchain experience
nom_col_profile = Declared profile
nom_col_proposed_by = Proposed by
nom_col_grounds = Grounds
nom_since = member since {date}
nom_since_unknown = no membership on record
nom_proposed_on = on {date}
nom_field_starts_on = Term starts on
nom_designate = Designate
nom_withdraw = Withdraw nomination
nom_login_to_propose = Collective leaders log in to propose candidates; Advisory Council members, to designate.
nom_designations_title = Recent designations
nom_designations_none = No designations yet.
nom_rank_of = {rank} of {count}
nom_propose_title = Propose a candidate
nom_propose_intro = For the Executive Secretary you may propose any member of the network; for a commission, only members of your collective (or of a member institution). Give the figures behind the proposal: they are published with the ranking.
nom_propose_for_collective = The commission seats you propose for are those of the {collective}.
nom_field_role = Seat
nom_field_collective = Collective
nom_field_nominee = Nominee
nom_field_nominee_hint = People who are members of the network today, individually or through their institution.
nom_group_collective = Members of the {collective}
nom_group_network = Other members of the network (Executive Secretary only)
nom_choose = Choose one
nom_field_profile = Profile
nom_profile_hint = The projects commission requires a business profile; the nodes commission, a technical profile. For the Executive Secretary it is optional.
nom_field_projects = Network projects they have collaborated in
nom_field_projects_hint = A number from 0 to {max}.
nom_field_experience = Years of blockchain experience
nom_field_experience_hint = A number from 0 to {max}.
nom_field_grounds = Grounds for the nomination
nom_propose_submit = Propose

nom_problem_role_unknown = Choose the Executive Secretary, the projects commission or the nodes commission.
nom_problem_collective_required = You lead several collectives: choose which one you propose for.
nom_problem_collective_not_led = You may only propose for the seats of a collective you lead.
nom_problem_nominee_unknown = Choose a person from the list.
nom_problem_not_in_collective = The nominee, or their institution, must be a member of the collective.
nom_problem_not_in_network = The nominee, or their institution, must be a member of the network.
nom_problem_profile_required = State the nominee's profile.
nom_problem_profile_unknown = Choose a profile from the list.
nom_problem_profile_mismatch = This seat requires a {profile}.
nom_problem_projects_out_of_range = Enter a whole number from 0 to {max}.
nom_problem_experience_out_of_range = Enter a whole number of years from 0 to {max}.
nom_problem_already_proposed = That person already has a pending nomination for this seat.
nom_problem_not_proposed = That nomination is no longer pending.
nom_problem_date_invalid = Enter a valid date (YYYY-MM-DD).
nom_problem_starts_in_the_past = The term cannot start before today.
