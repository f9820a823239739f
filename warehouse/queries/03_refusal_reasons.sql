-- Why applications were not disclosed: totals per refusal reason (（三）–（六） leaves), with labels.
SELECT o.parent, p.label_zh AS category, o.label_zh AS reason, sum(f.count) AS applications
FROM fact_applications f
JOIN dim_outcome o USING (outcome)
JOIN dim_outcome p ON p.outcome = o.parent
WHERE f.applicant_type = 'total'
  AND o.parent IN ('withheld', 'unable_to_provide', 'not_processed', 'other_handling')
GROUP BY ALL
HAVING sum(f.count) > 0
ORDER BY applications DESC, reason;
