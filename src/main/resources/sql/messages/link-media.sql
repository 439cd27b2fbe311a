UPDATE wa_messages
   SET media_sha256 = :#media_sha256, media_filename = :#media_filename, media_mimetype = :#media_mimetype,
       has_media = TRUE, updated_at = :#received_at
 WHERE session_id = :#session_id AND message_id = :#message_id
