-- On enable: the output's waiting deliveries start their retries afresh and may be tried at once (they waited while
-- it was disabled; the lane order is untouched).
UPDATE wa_outbox SET attempts = 0, next_attempt_at = NULL WHERE output = ? AND (attempts > 0 OR next_attempt_at IS NOT NULL)
