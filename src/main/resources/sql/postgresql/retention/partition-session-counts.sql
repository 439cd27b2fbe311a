-- Each session's events in the month about to be dropped, in session order (the order the sessions are locked in):
-- what each session's event_count is lowered by in the transaction that drops it.
SELECT session_id, count(*) FROM {partition} GROUP BY session_id ORDER BY session_id
