-- The output took it: the delivery is done.
DELETE FROM wa_outbox WHERE id = ?
