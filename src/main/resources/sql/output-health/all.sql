-- Every output's failure clock and state, for the API and the console.
SELECT output, failing_since, last_failure_at, last_error, last_success_at, disabled_at, disabled_reason
  FROM wa_output_health
