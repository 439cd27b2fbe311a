-- Portable DDL: runs on PostgreSQL and on H2 in PostgreSQL mode (the embedded default).

-- Which kind of server sent the event: wwebjs (the whatsapp-web.js webhook), cloud (WhatsApp Business Cloud
-- API), waha, evolution. Every event stored before this column came from whatsapp-web.js; a constant default is
-- a catalogue change on PostgreSQL 11+, not a table rewrite.
ALTER TABLE wa_events ADD COLUMN source VARCHAR(16) DEFAULT 'wwebjs' NOT NULL;
