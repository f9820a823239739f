-- Every file and what became of it: its status, the file whose identical content it is a copy of,
-- whether it is still in the raw folder and when a run last found it there. The earlier contents
-- of a changed file ('superseded') are left out: each file is one row.
SELECT r.source_file, r.status, r.present, CAST(r.last_seen AS DATE) AS last_seen,
       k.source_file AS byte_identical_copy_of, r.reason
FROM reports r
LEFT JOIN reports k ON r.duplicate_of = r.report_id AND k.report_id = r.report_id
                   AND k.status <> 'superseded' AND k.duplicate_of IS DISTINCT FROM k.report_id
WHERE r.status <> 'superseded'
ORDER BY r.present DESC, r.source_file;
