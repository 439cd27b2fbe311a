-- H2 (the embedded default): the same counters as PostgreSQL's V11, by a Java trigger (H2 has no procedural SQL).
CREATE TRIGGER wa_messages_counted AFTER INSERT ON wa_messages FOR EACH ROW CALL 'dev.wagateway.store.H2SessionCounter';
CREATE TRIGGER wa_calls_counted AFTER INSERT ON wa_calls FOR EACH ROW CALL 'dev.wagateway.store.H2SessionCounter';

-- The same backfills as PostgreSQL's V11.
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
