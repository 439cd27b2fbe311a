-- Partition DDL waits at most this long for its locks, then fails (the job tries again on its next run): a drop or
-- attach queued behind a long reader would otherwise hold up every webhook insert queued behind it.
SET LOCAL lock_timeout = '5s'
