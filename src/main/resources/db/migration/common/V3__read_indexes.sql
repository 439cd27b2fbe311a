-- The read API lists sessions by latest activity (ReadQueriesPlanTest keeps every read on an index).
CREATE INDEX wa_sessions_updated ON wa_sessions (updated_at);
