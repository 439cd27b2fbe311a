-- On enable: every lane of the output is due now, so the backlog goes out at once, each session in order.
UPDATE wa_outbox_lanes SET due_at = ? WHERE output = ? AND due_at > ?
