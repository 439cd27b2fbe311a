-- Acks arrive out of order: only a higher one is taken.
UPDATE wa_messages SET ack = :#ack, updated_at = :#received_at
 WHERE session_id = :#session_id AND message_id = :#message_id AND (ack IS NULL OR ack < :#ack)
