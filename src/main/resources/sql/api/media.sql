SELECT sha256, mimetype, size_bytes FROM wa_media WHERE sha256 = ?
