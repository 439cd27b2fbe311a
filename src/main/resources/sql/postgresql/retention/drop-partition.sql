-- The detached month, its rows and indexes, gone at once: no dead rows, no vacuum.
DROP TABLE {partition}
