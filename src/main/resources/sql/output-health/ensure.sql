-- A configured output has its row from its first start on.
INSERT INTO wa_output_health (output) VALUES (?) ON CONFLICT DO NOTHING
