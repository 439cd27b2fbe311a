-- Messages, calls and media (routes/messages.yaml). Portable between PostgreSQL and H2.

-- One row per WhatsApp message per session, whichever event told us of it first (message, message_create,
-- message_ack, media_uploaded or media); later events update it.
CREATE TABLE wa_messages (
    session_id         VARCHAR(64)  NOT NULL,
    message_id         VARCHAR(255) NOT NULL,  -- message.id._serialized
    chat_id            VARCHAR(128),           -- message.id.remote: the chat (contact or group)
    from_id            VARCHAR(128),
    to_id              VARCHAR(128),
    author             VARCHAR(128),
    body               TEXT,
    type               VARCHAR(32),
    msg_timestamp      BIGINT,                 -- WhatsApp's epoch seconds
    from_me            BOOLEAN,
    has_media          BOOLEAN,
    has_quoted_msg     BOOLEAN,
    ack                INTEGER,                -- -1 error, 0 pending, 1 server, 2 device, 3 read, 4 played; never lowered
    raw_json           TEXT         NOT NULL,
    media_sha256       VARCHAR(64),
    media_filename     VARCHAR(255),
    media_mimetype     VARCHAR(128),
    media_uploaded_at  TIMESTAMP WITH TIME ZONE,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (session_id, message_id)
);
CREATE INDEX wa_messages_session_time ON wa_messages (session_id, msg_timestamp);
CREATE INDEX wa_messages_session_chat_time ON wa_messages (session_id, chat_id, msg_timestamp);
CREATE INDEX wa_messages_message_id ON wa_messages (message_id);
CREATE INDEX wa_messages_media ON wa_messages (media_sha256);

CREATE TABLE wa_calls (
    session_id     VARCHAR(64)  NOT NULL,
    call_id        VARCHAR(128) NOT NULL,
    from_id        VARCHAR(128),
    is_video       BOOLEAN,
    is_group       BOOLEAN,
    call_timestamp BIGINT,
    raw_json       TEXT         NOT NULL,
    received_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (session_id, call_id)
);
CREATE INDEX wa_calls_session_time ON wa_calls (session_id, call_timestamp);

-- Media files live on disk under MEDIA_DIR, named by their SHA-256; one row per distinct file.
CREATE TABLE wa_media (
    sha256         VARCHAR(64)  PRIMARY KEY,
    mimetype       VARCHAR(128),
    size_bytes     BIGINT       NOT NULL,
    first_seen_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
