-- Portable DDL: runs on PostgreSQL and on H2 in PostgreSQL mode (the embedded default).

-- The durable archive: one row per accepted delivery, inserted before the webhook is answered.
CREATE TABLE wa_events (
    event_id      VARCHAR(36)  PRIMARY KEY,
    session_id    VARCHAR(64)  NOT NULL,
    event         VARCHAR(64)  NOT NULL,
    format        VARCHAR(16)  NOT NULL,
    source_ip     VARCHAR(64),
    auth_method   VARCHAR(16),
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    data_json     TEXT         NOT NULL,
    body_sha256   VARCHAR(64)  NOT NULL,
    delivery_id   VARCHAR(200),
    -- received: stored, not yet routed; processed: its route ran; unrouted: kept by the catch-all;
    -- failed: its route threw (error says why)
    status        VARCHAR(16)  NOT NULL,
    error         TEXT,
    processed_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX wa_events_session_received ON wa_events (session_id, received_at);
CREATE INDEX wa_events_status_received ON wa_events (status, received_at);
CREATE INDEX wa_events_event_received ON wa_events (event, received_at);
CREATE INDEX wa_events_received ON wa_events (received_at);

-- Claims that make a repeated delivery a duplicate: (session, body hash or delivery id) until expires_at.
CREATE TABLE wa_event_dedupe (
    session_id  VARCHAR(64)  NOT NULL,
    dedupe_key  VARCHAR(220) NOT NULL,
    event_id    VARCHAR(36)  NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (session_id, dedupe_key)
);
CREATE INDEX wa_event_dedupe_expires ON wa_event_dedupe (expires_at);

-- One row per WhatsApp session (one linked phone), maintained by the session-lifecycle routes.
CREATE TABLE wa_sessions (
    session_id        VARCHAR(64) PRIMARY KEY,
    -- new, qr_pending, authenticated, ready, disconnected, auth_failure
    status            VARCHAR(32) NOT NULL,
    qr                TEXT,
    qr_at             TIMESTAMP WITH TIME ZONE,
    state             VARCHAR(64),
    state_at          TIMESTAMP WITH TIME ZONE,
    loading_percent   INTEGER,
    loading_message   TEXT,
    authenticated_at  TIMESTAMP WITH TIME ZONE,
    ready_at          TIMESTAMP WITH TIME ZONE,
    disconnected_at   TIMESTAMP WITH TIME ZONE,
    auth_failure_at   TIMESTAMP WITH TIME ZONE,
    last_reason       TEXT,
    first_seen_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
