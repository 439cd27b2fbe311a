-- `order: none`, handing a lane back: its row locked first, so that a transaction adding a delivery to the lane
-- (wake-lane.sql) has committed before lane-next-due.sql reads the lane, or comes after and sees the new due_at.
SELECT due_at FROM wa_outbox_lanes WHERE output = ? AND session_id = ? FOR UPDATE
