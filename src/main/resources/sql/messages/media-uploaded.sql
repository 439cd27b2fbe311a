UPDATE wa_messages SET media_uploaded_at = :#received_at, has_media = TRUE, updated_at = :#received_at
 WHERE session_id = :#session_id AND message_id = :#message_id
