-- Per output: deliveries waiting and when the oldest was accepted (the lag operators watch).
SELECT output, COUNT(*) AS waiting, MIN(created_at) AS oldest FROM wa_outbox GROUP BY output
