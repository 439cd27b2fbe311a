-- DeadLetters adds the output and time filters; oldest first, so a bulk replay keeps the original order.
SELECT id FROM wa_dead_letters WHERE status = 'pending'
