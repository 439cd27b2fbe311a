-- H2 (the embedded default): the same upsert as a standard MERGE. A repeat refreshes the row; the ack only rises.
MERGE INTO wa_messages m
USING (VALUES (CAST(:#session_id AS VARCHAR), CAST(:#message_id AS VARCHAR), CAST(:#chat_id AS VARCHAR),
               CAST(:#from_id AS VARCHAR), CAST(:#to_id AS VARCHAR), CAST(:#author AS VARCHAR), CAST(:#body AS VARCHAR),
               CAST(:#type AS VARCHAR), CAST(:#msg_timestamp AS BIGINT), CAST(:#from_me AS BOOLEAN),
               CAST(:#has_media AS BOOLEAN), CAST(:#has_quoted_msg AS BOOLEAN), CAST(:#ack AS INTEGER),
               CAST(:#raw_json AS VARCHAR), CAST(:#received_at AS TIMESTAMP WITH TIME ZONE),
               CAST(:#received_at AS TIMESTAMP WITH TIME ZONE)))
      AS v (session_id, message_id, chat_id, from_id, to_id, author, body, type, msg_timestamp, from_me, has_media,
            has_quoted_msg, ack, raw_json, received_at, created_at)
   ON m.session_id = v.session_id AND m.message_id = v.message_id
 WHEN MATCHED THEN UPDATE
   SET chat_id = v.chat_id, from_id = v.from_id, to_id = v.to_id, author = v.author, body = v.body, type = v.type,
       msg_timestamp = v.msg_timestamp, from_me = v.from_me, has_media = v.has_media,
       has_quoted_msg = v.has_quoted_msg, raw_json = v.raw_json,
       ack = CASE WHEN m.ack IS NULL OR m.ack < v.ack THEN v.ack ELSE m.ack END, updated_at = v.received_at
 WHEN NOT MATCHED THEN INSERT (session_id, message_id, chat_id, from_id, to_id, author, body, type, msg_timestamp,
                               from_me, has_media, has_quoted_msg, ack, raw_json, created_at, updated_at)
   VALUES (v.session_id, v.message_id, v.chat_id, v.from_id, v.to_id, v.author, v.body, v.type, v.msg_timestamp,
           v.from_me, v.has_media, v.has_quoted_msg, v.ack, v.raw_json, v.created_at, v.received_at)
