-- As postgresql/outbox/lanes-deliveries.sql (H2 has no LATERAL): the first rows of each lane by a window over the
-- claimed lanes' rows. Same parameters, same columns.
SELECT o.id, o.session_id, o.event_id, o.attempts, o.next_attempt_at, o.traceparent, e.event, e.format, e.source_ip,
       e.received_at, e.data_json, e.body_sha256, e.source
  FROM (SELECT w.id, w.session_id, w.event_id, w.attempts, w.next_attempt_at, w.traceparent,
               ROW_NUMBER() OVER (PARTITION BY w.session_id ORDER BY w.id) AS n
          FROM wa_outbox w
         WHERE w.session_id = ANY(?) AND w.output = ?
           AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR w.next_attempt_at IS NULL OR w.next_attempt_at <= ?)) o
  LEFT JOIN wa_events e ON e.event_id = o.event_id
 WHERE o.n <= ?
 ORDER BY o.id
