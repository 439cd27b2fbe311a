-- The partitions of wa_events (V17) with their bounds: from_at null for the legacy one's MINVALUE, both null for
-- the DEFAULT one. The bounds are read back from the catalogue's text (printed in the session's time zone, with its
-- offset, so the cast is exact whatever that zone is).
SELECT c.relname,
       substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \(''([^'']+)''\)')::timestamptz AS from_at,
       substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)')::timestamptz AS to_at,
       pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = to_regclass('wa_events')
 ORDER BY to_at NULLS LAST, c.relname
