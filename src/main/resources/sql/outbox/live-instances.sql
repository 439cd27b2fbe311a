-- PostgreSQL: the keys of the instance locks held right now in this database (namespace given): the instances
-- alive. Two-integer advisory keys show as classid (first), objid (second, as an unsigned oid), objsubid 2.
SELECT objid::bigint AS instance_key FROM pg_locks
 WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = CAST(? AS oid)
   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
