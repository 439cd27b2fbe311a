-- First sight of a message: its row. A message seen before is left to update.sql / raise-ack.sql.
INSERT INTO wa_messages (session_id, message_id, chat_id, from_id, to_id, author, body, type, msg_timestamp,
                         from_me, has_media, has_quoted_msg, ack, raw_json, created_at, updated_at)
VALUES (:#session_id, :#message_id, :#chat_id, :#from_id, :#to_id, :#author, :#body, :#type, :#msg_timestamp,
        :#from_me, :#has_media, :#has_quoted_msg, :#ack, :#raw_json, :#received_at, :#received_at)
ON CONFLICT DO NOTHING
