UPDATE wa_dead_letters SET status = 'resolved', resolved_at = ? WHERE id = ? AND status = 'pending'
