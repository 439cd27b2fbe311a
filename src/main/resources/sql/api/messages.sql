-- Messages with their media; ReadQueries adds the filters, order and paging.
SELECT m.session_id, m.message_id, m.chat_id, m.from_id, m.to_id, m.author, m.body, m.type, m.msg_timestamp,
       m.from_me, m.has_media, m.has_quoted_msg, m.ack, m.media_sha256, m.media_filename, m.media_mimetype,
       m.media_uploaded_at, m.created_at, m.updated_at, md.size_bytes AS media_size
  FROM wa_messages m
  LEFT JOIN wa_media md ON md.sha256 = m.media_sha256
