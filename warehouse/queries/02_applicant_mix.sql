-- Who applies: share of each applicant type in new applications, over all loaded reports.
SELECT t.label_zh AS applicant, sum(f.count) AS applications,
       round(sum(f.count) / nullif(sum(sum(f.count)) OVER (), 0), 4) AS share
FROM fact_applications f
JOIN dim_applicant_type t USING (applicant_type)
WHERE f.outcome = 'new_received' AND f.applicant_type <> 'total'
GROUP BY t.label_zh, t.sort_order
ORDER BY t.sort_order;
