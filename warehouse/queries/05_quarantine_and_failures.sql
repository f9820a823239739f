-- What did not load, and why: quarantined tables and failed files, with the reason to act on.
SELECT source_file, status, tables_quarantined, reason
FROM reports
WHERE status NOT IN ('loaded', 'superseded')
ORDER BY status, source_file;
