INSERT INTO wa_calls (session_id, call_id, from_id, is_video, is_group, call_timestamp, raw_json, received_at)
VALUES (:#session_id, :#call_id, :#from_id, :#is_video, :#is_group, :#call_timestamp, :#raw_json, :#received_at)
ON CONFLICT DO NOTHING
