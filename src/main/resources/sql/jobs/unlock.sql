-- Releases the job's advisory lock taken by try-lock.sql on the same connection.
SELECT pg_advisory_unlock(?, ?)
