-- A body is a repeat only of the previous accepted event of its session (a sender's, proxy's or load balancer's
-- retry), not of any event within the window: a phone that re-links sends byte-identical `ready` and
-- `authenticated` bodies that are new events. The archive transaction locks the session row, compares and moves
-- this pointer, so the decision holds under concurrency and across instances. Portable between PostgreSQL and H2.
ALTER TABLE wa_sessions ADD COLUMN last_event_id VARCHAR(36);
ALTER TABLE wa_sessions ADD COLUMN last_body_sha256 VARCHAR(64);
ALTER TABLE wa_sessions ADD COLUMN last_accepted_at TIMESTAMP WITH TIME ZONE;
