-- Meetings as a secretary runs them: a session closed makes the meeting held; an election in a
-- call for leaders is a motion voted at an Executive Council meeting.

ALTER TABLE meetings ADD COLUMN closed_at TEXT;

-- Meetings whose session was opened and has ended long ago were held: the same as the calendar
-- now does every day.
UPDATE meetings SET status = 'held', closed_at = ends_at
WHERE status = 'convened' AND opened_at IS NOT NULL AND ends_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day');

-- The call whose election an agenda item puts to the vote, and the candidacies it proposes
-- (a JSON array of ids).
ALTER TABLE agenda_items ADD COLUMN elects_call INTEGER REFERENCES calls (id);
ALTER TABLE agenda_items ADD COLUMN elects_candidacies TEXT;
