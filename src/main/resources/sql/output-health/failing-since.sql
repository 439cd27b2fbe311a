-- Since when the output has failed every attempt (null: its last attempt succeeded), and whether it is disabled.
SELECT failing_since, disabled_at FROM wa_output_health WHERE output = ?
