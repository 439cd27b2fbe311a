-- A month past retention, held still while ArchiveRetention decides on it and counts it: no row can be added to it
-- or deleted from it (none is: its month is over), reads go on.
LOCK TABLE {partition} IN SHARE MODE
