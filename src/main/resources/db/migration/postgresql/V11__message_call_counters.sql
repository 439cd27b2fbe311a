-- PostgreSQL: wa_sessions.message_count and call_count (V10) follow the inserts into wa_messages and wa_calls,
-- whichever statement makes them (insert-if-new, the upsert, calls/insert, a manual INSERT). An AFTER INSERT row
-- trigger fires only for rows really inserted: not for ON CONFLICT DO NOTHING, nor for an upsert that updated.
-- The archive transaction that runs these inserts has already locked the session row (sessions/lock-last-accepted),
-- so the update waits on nobody. Nothing deletes messages or calls, so there is no delete trigger.
CREATE FUNCTION wa_count_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wa_sessions SET message_count = message_count + 1 WHERE session_id = NEW.session_id;
    RETURN NULL;
END $$;

CREATE FUNCTION wa_count_call() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wa_sessions SET call_count = call_count + 1 WHERE session_id = NEW.session_id;
    RETURN NULL;
END $$;

CREATE TRIGGER wa_messages_counted AFTER INSERT ON wa_messages FOR EACH ROW EXECUTE FUNCTION wa_count_message();
CREATE TRIGGER wa_calls_counted AFTER INSERT ON wa_calls FOR EACH ROW EXECUTE FUNCTION wa_count_call();

-- The backfills below read the whole archive once: no statement timeout (DatabaseTimeouts) for this migration.
SET LOCAL statement_timeout = 0;

-- Backfill, one statement: every session's three counts from the tables. Cost: one pass over each table's
-- (session_id, ...) index, i.e. proportional to the archive, once (this V11 whole took 0.9-1.1 s on PostgreSQL at
-- 1M archived events, 250k messages: docs/performance.md "Reads at scale", bench/scale-reads.sh).
-- Stop the old gateways first: events they store while this
-- runs are not counted.
UPDATE wa_sessions s
   SET event_count = (SELECT count(*) FROM wa_events e WHERE e.session_id = s.session_id),
       message_count = (SELECT count(*) FROM wa_messages m WHERE m.session_id = s.session_id),
       call_count = (SELECT count(*) FROM wa_calls c WHERE c.session_id = s.session_id);

-- Backfill, one statement: the last two days of the archive (what the chart can still ask for), a range of the
-- received_at index, in shard 0. Cost: proportional to two days of events, not to the archive.
INSERT INTO wa_event_minutes (minute_at, event, shard, events)
SELECT date_trunc('minute', e.received_at), e.event, 0, count(*)
  FROM wa_events e
 WHERE e.received_at >= CURRENT_TIMESTAMP - INTERVAL '2' DAY
 GROUP BY date_trunc('minute', e.received_at), e.event;
