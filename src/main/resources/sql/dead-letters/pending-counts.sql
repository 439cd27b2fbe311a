-- Per output: dead letters waiting for a replay (the console's outputs page); served by the (status, created_at) index.
SELECT output, COUNT(*) AS pending FROM wa_dead_letters WHERE status = 'pending' GROUP BY output
