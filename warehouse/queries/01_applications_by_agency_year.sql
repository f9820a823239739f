-- Applications received, handled and disclosure rate per agency and year (loaded reports only).
SELECT agency, province, year, applications_received, handled_total,
       round(disclosure_rate, 4) AS disclosure_rate
FROM v_agency_year
ORDER BY province, agency, year;
