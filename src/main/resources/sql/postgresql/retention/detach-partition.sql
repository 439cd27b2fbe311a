-- The month leaves wa_events (an ACCESS EXCLUSIVE lock on wa_events until the commit, right after the drop; waited
-- for at most lock-timeout.sql's 5 s).
ALTER TABLE wa_events DETACH PARTITION {partition}
