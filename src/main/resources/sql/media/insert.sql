-- The same file sent twice is one row and one file.
INSERT INTO wa_media (sha256, mimetype, size_bytes, first_seen_at)
VALUES (:#media_sha256, :#media_mimetype, :#media_size, :#received_at)
ON CONFLICT DO NOTHING
