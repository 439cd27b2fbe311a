-- PostgreSQL: one statement per message event. A repeat refreshes the row; the ack only ever rises.
INSERT INTO wa_messages (session_id, message_id, chat_id, from_id, to_id, author, body, type, msg_timestamp,
                         from_me, has_media, has_quoted_msg, ack, raw_json, created_at, updated_at)
VALUES (:#session_id, :#message_id, :#chat_id, :#from_id, :#to_id, :#author, :#body, :#type, :#msg_timestamp,
        :#from_me, :#has_media, :#has_quoted_msg, :#ack, :#raw_json, :#received_at, :#received_at)
ON CONFLICT (session_id, message_id) DO UPDATE
   SET chat_id = EXCLUDED.chat_id, from_id = EXCLUDED.from_id, to_id = EXCLUDED.to_id, author = EXCLUDED.author,
       body = EXCLUDED.body, type = EXCLUDED.type, msg_timestamp = EXCLUDED.msg_timestamp, from_me = EXCLUDED.from_me,
       has_media = EXCLUDED.has_media, has_quoted_msg = EXCLUDED.has_quoted_msg, raw_json = EXCLUDED.raw_json,
       ack = CASE WHEN wa_messages.ack IS NULL OR wa_messages.ack < EXCLUDED.ack THEN EXCLUDED.ack ELSE wa_messages.ack END,
       updated_at = EXCLUDED.updated_at
