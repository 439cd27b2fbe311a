-- Events an output could not take after its retries (or while its circuit was open). The envelope is kept here
-- whole, so a replay works even after the archive's retention has removed the event.
CREATE TABLE wa_dead_letters (
    id               VARCHAR(36)  PRIMARY KEY,
    event_id         VARCHAR(36)  NOT NULL,
    session_id       VARCHAR(64)  NOT NULL,
    event            VARCHAR(64)  NOT NULL,
    output           VARCHAR(64)  NOT NULL,
    envelope_json    TEXT         NOT NULL,
    error            TEXT,
    attempts         INTEGER      NOT NULL,
    -- pending: waiting for a replay; resolved: a replay delivered it
    status           VARCHAR(16)  NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    last_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    resolved_at      TIMESTAMP WITH TIME ZONE
);
CREATE INDEX wa_dead_letters_status_created ON wa_dead_letters (status, created_at);
CREATE INDEX wa_dead_letters_output_status_created ON wa_dead_letters (output, status, created_at);
