-- Partition maintenance reads a whole month (the counts of a dropped one, the rows moved out of DEFAULT): not bound
-- by the statement timeout meant for the webhook's statements (DB_STATEMENT_TIMEOUT). Locks stay bounded.
SET LOCAL statement_timeout = 0
