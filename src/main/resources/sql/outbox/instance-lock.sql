-- PostgreSQL: the advisory lock an instance holds for its life on a connection of its own (namespace, key of its
-- id; store.InstanceLock), so that the others can tell when it is gone. Re-entrant within the session.
SELECT pg_try_advisory_lock(?, ?)
