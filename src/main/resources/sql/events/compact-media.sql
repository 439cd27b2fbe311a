-- Once a media file is on disk, the archive keeps a reference to it instead of its base64.
UPDATE wa_events SET data_json = :#compacted_data_json WHERE event_id = :#event_id
