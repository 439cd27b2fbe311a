-- On enable: how many deliveries of the output wait, the backlog that now goes out (wa_outbox_output_created).
SELECT COUNT(*) FROM wa_outbox WHERE output = ?
