# Council meetings: notice periods, quorum, representatives and the Advisory Council's minimum
# meetings. Every key must also exist in es/meetings.ftl.

meet_too_late = The notice of the meeting must be sent on {latest} at the latest ({rule} before the meeting).
meet_in_the_past = The meeting must start after the notice is sent.
meet_rule_calendar_day = {count} calendar day
meet_rule_calendar_days = {count} calendar days
meet_rule_business_day = {count} business day
meet_rule_business_days = {count} business days

meet_self_proxy = Nobody can designate themselves as their own representative.
meet_proxy_not_a_seat = Person no. {person} holds no seat in this body; only its members designate a representative.
meet_already_represented = That seat already has a representative (person no. {by}); withdraw that designation before naming another.
meet_chained_proxy = Representation is not passed on: the representative cannot be represented, and whoever designates cannot be representing someone else.
meet_proxy_holds_another = That person already represents another seat (person no. {principal}'s); a representative carries at most one seat besides their own.

meet_quorum_missing_secretary = The Executive Secretary, who convenes and chairs, is missing: they must attend in person or virtually (a representative is not enough).
meet_quorum_members_short = {count} more members are needed for quorum ({present} of {required}).
meet_quorum_member_short = {count} more member is needed for quorum ({present} of {required}).
meet_advisory_shortfall = The Advisory Council must meet at least {required} times in {year} (held: {held}; scheduled: {scheduled}): {shortfall} more must be convened.
