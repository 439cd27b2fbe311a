-- The outputs disabled now (the delivery workers' view, read about once a second).
SELECT output FROM wa_output_health WHERE disabled_at IS NOT NULL
