-- The profile the collective leader declares for the nominee of an Executive Council seat
-- ('business' for the projects commission, 'technical' for the nodes commission; optional for
-- the Executive Secretary). Written to the person when the Advisory Council designates them.
ALTER TABLE nominations ADD COLUMN profile TEXT NOT NULL DEFAULT '' CHECK (profile IN ('', 'business', 'technical'));
CREATE INDEX nominations_seat ON nominations (role, collective_id, status);
