# Outgoing mail: the outbox and its delivery over SMTP (/admin/mail).

mail_admin_title = Outgoing mail
mail_admin_intro = Every notice of the portal (calls, ending terms, decisions) is stored here in the same operation that gives rise to it, and delivered afterwards through the configured mail relay. If the relay does not answer, delivery is retried with a growing wait; if it refuses a recipient for good, the message is kept as failed with the relay's answer.
mail_admin_relay = Delivered through {relay}, from {from}.
mail_admin_unconfigured = No mail relay is configured (MINGA_SMTP_URL): messages stay queued until one is.
mail_admin_empty = No messages.
mail_admin_newest = The {count} newest messages.
mail_filter_label = Filter by state
mail_filter_all = All ({count})
mail_filter_queued = Queued ({count})
mail_filter_sent = Sent ({count})
mail_filter_failed = Failed ({count})
mail_col_recipient = Recipient
mail_col_subject = Subject
mail_col_topic = Topic
mail_col_state = State
mail_col_attempts = Attempts
mail_col_last_error = Last error
mail_col_sent_at = Sent
mail_status_queued = queued
mail_status_sent = sent
mail_status_failed = failed
mail_next_attempt = next attempt {at}
