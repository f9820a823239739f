-- Administrative review and litigation outcomes per agency and year, with correction rates.
SELECT agency, year, reviews, reviews_corrected, round(review_correction_rate, 4) AS review_correction_rate,
       lawsuits, lawsuits_corrected, round(litigation_correction_rate, 4) AS litigation_correction_rate
FROM v_agency_year
ORDER BY reviews + lawsuits DESC, agency;
