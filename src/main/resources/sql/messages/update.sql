-- A repeat or newer copy of a message: refresh its fields; the ack only ever rises.
UPDATE wa_messages
   SET chat_id = :#chat_id, from_id = :#from_id, to_id = :#to_id, author = :#author, body = :#body, type = :#type,
       msg_timestamp = :#msg_timestamp, from_me = :#from_me, has_media = :#has_media,
       has_quoted_msg = :#has_quoted_msg, raw_json = :#raw_json,
       ack = CASE WHEN ack IS NULL OR ack < :#ack THEN :#ack ELSE ack END,
       updated_at = :#received_at
 WHERE session_id = :#session_id AND message_id = :#message_id
