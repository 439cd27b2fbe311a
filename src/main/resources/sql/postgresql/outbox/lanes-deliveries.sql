-- The heads of all the lanes one claim took, in one statement instead of one per lane: per session of the array,
-- its first rows in id order (an index scan of wa_outbox_lane with its own limit, however long the lane), each with
-- the archived event it carries; an event the archive's retention already removed comes back with null columns (it
-- is dead-lettered as such). The timestamp, when not null, keeps only the rows due then (`order: none`: never
-- tried, or next_attempt_at passed). Parameters: sessions, output, due, due, rows per lane.
-- The event is looked up by its received_at too, which a delivery's created_at is (Outbox.add writes the event's):
-- PostgreSQL then probes the key index of the one month partition holding it, not of every partition of wa_events
-- (issue 22: 2 to 3 index pages read per delivery for every month kept).
SELECT o.id, o.session_id, o.event_id, o.attempts, o.next_attempt_at, o.traceparent, e.event, e.format, e.source_ip,
       e.received_at, e.data_json, e.body_sha256, e.source
  FROM unnest(CAST(? AS varchar[])) AS l(session_id)
 CROSS JOIN LATERAL (
       SELECT w.id, w.session_id, w.event_id, w.attempts, w.next_attempt_at, w.traceparent, w.created_at
         FROM wa_outbox w
        WHERE w.output = ? AND w.session_id = l.session_id
          AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR w.next_attempt_at IS NULL OR w.next_attempt_at <= ?)
        ORDER BY w.id
        LIMIT ?) o
  LEFT JOIN wa_events e ON e.event_id = o.event_id AND e.received_at = o.created_at
 ORDER BY o.id
