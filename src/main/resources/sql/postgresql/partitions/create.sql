-- A month's partition, made as a table of its own first (ArchivePartitions fills it from DEFAULT, then attaches it):
-- the partitioned table's columns and defaults; ATTACH adds its indexes and its primary key. {partition} is a name
-- ArchivePartitions made and checked (an identifier cannot be a bound parameter).
CREATE TABLE {partition} (LIKE wa_events INCLUDING DEFAULTS)
