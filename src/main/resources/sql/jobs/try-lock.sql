-- A session advisory lock for one scheduled job (namespace, job key); false when another instance holds it.
SELECT pg_try_advisory_lock(?, ?)
