-- Samples one table named by stale-tables (an identifier cannot be a bound parameter: TableVacuum puts the name,
-- checked to have the shape of the gateway's wa_ tables, in place of {table}). It also invalidates every
-- connection's cached plans on the table, so the next execution of a prepared statement is planned again.
ANALYZE {table}
