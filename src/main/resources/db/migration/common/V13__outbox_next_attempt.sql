-- Issue 24, retry schedules spanning hours: when each waiting delivery may be tried again (null = at once). Kept on
-- the row, not only on the lane, so a restart keeps the planned time, and so that under `order: none` a delivery
-- waiting for its retry does not hold back the session's later ones. Portable between PostgreSQL and H2.
ALTER TABLE wa_outbox ADD COLUMN next_attempt_at TIMESTAMP WITH TIME ZONE;
