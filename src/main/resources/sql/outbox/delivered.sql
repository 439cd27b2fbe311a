-- The output took them: those deliveries are done. One statement for all a lane delivered (an array of ids),
-- rather than one per delivery.
DELETE FROM wa_outbox WHERE id = ANY(?)
