-- gongkai warehouse contract (see ../shared/DESIGN.md). Executed on every build; idempotent.
-- Dimension contents are loaded from pipeline/form.py, never typed here.

-- One row per file: every file in the raw folder has one row that is not 'superseded' (a
-- byte-identical copy of another file too: 'duplicate', duplicate_of = its own report_id), and
-- so has every file removed since (present = false, its facts kept). 'superseded' rows are the
-- earlier contents of a file that changed. Facts are keyed by report_id (the content), so a
-- content held by several files is counted once: by the one row of it that is not a copy.
CREATE TABLE IF NOT EXISTS reports (
    report_id      VARCHAR NOT NULL,      -- sha256 of the file content
    source_file    VARCHAR NOT NULL,      -- path relative to the raw folder
    file_type      VARCHAR NOT NULL,
    agency_id      VARCHAR,
    year           INTEGER,
    template       VARCHAR,               -- '2019' or '2021' national format
    title          VARCHAR,
    status         VARCHAR NOT NULL,      -- loaded | partial | quarantined | failed | duplicate | superseded
    reason         VARCHAR,               -- human-readable: table, check, row/column, both sides
    parser_version VARCHAR NOT NULL,
    ingested_at    TIMESTAMP NOT NULL,
    run_id         VARCHAR,
    tables_loaded  VARCHAR[],
    tables_quarantined VARCHAR[],
    duplicate_of   VARCHAR,               -- duplicate: the report_id whose facts count (its own for a byte-identical copy)
    encoding       VARCHAR,
    file_size      BIGINT,
    file_mtime     TIMESTAMP,
    numbers_hash   VARCHAR,               -- fingerprint of every number read (tells copies from re-issues)
    present        BOOLEAN NOT NULL DEFAULT true,  -- the file is in the raw folder (as of the last run that wrote)
    last_seen      TIMESTAMP,             -- the last run that wrote the warehouse found the file in the raw folder
    missing_since  TIMESTAMP,             -- the run that found the file gone (NULL while present)
    PRIMARY KEY (source_file, report_id)
);
-- Additive: why the agency is the name as printed, not a full official name (a short form such
-- as 市财政局 whose place the document does not name); NULL when complete. Warned (suite identity).
ALTER TABLE reports ADD COLUMN IF NOT EXISTS agency_note VARCHAR;
-- Additive: the publication date the document prints (its 发布日期/发布时间 field, else its signature
-- date), NULL when it prints none; and when the warehouse first received this content (kept when
-- the file is parsed again). Among conflicting copies of one agency-year these decide which is loaded.
ALTER TABLE reports ADD COLUMN IF NOT EXISTS published DATE;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS first_ingested_at TIMESTAMP;

CREATE TABLE IF NOT EXISTS dim_agency (
    agency_id VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL,
    province  VARCHAR,
    city      VARCHAR,
    county    VARCHAR,
    level     VARCHAR,   -- province | city | county | township
    kind      VARCHAR    -- people_government | government_department | development_zone | other
);
-- Additive: the name as parsed (what data/agencies.csv matches) and who decided the row
-- ('divisions': cpca's division table; 'override': a reviewed row of data/agencies.csv).
ALTER TABLE dim_agency ADD COLUMN IF NOT EXISTS source_name VARCHAR;
ALTER TABLE dim_agency ADD COLUMN IF NOT EXISTS resolved_by VARCHAR;

CREATE TABLE IF NOT EXISTS dim_applicant_type (
    applicant_type VARCHAR PRIMARY KEY,
    label_zh       VARCHAR NOT NULL,
    label_en       VARCHAR NOT NULL,
    group_zh       VARCHAR,
    sort_order     INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS dim_outcome (
    outcome     VARCHAR PRIMARY KEY,
    label_zh    VARCHAR NOT NULL,
    label_en    VARCHAR NOT NULL,
    parent      VARCHAR,
    sort_order  INTEGER NOT NULL,
    is_total    BOOLEAN NOT NULL,
    templates   VARCHAR[] NOT NULL,   -- templates that print this row
    has_values_in VARCHAR[] NOT NULL  -- templates in which this row carries numbers (other_handling: also
                                      -- 2021 tables that print （六） as one row). Local subtotal rows of
                                      -- （三）–（六） are not counted here; subtotal_* checks verify them
);

CREATE TABLE IF NOT EXISTS dim_proactive_item (
    item VARCHAR PRIMARY KEY, label_zh VARCHAR NOT NULL, label_en VARCHAR NOT NULL, sort_order INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dim_measure (
    measure VARCHAR PRIMARY KEY, label_zh VARCHAR NOT NULL, label_en VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, unit VARCHAR NOT NULL, sort_order INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dim_proceeding (
    proceeding VARCHAR PRIMARY KEY, label_zh VARCHAR NOT NULL, label_en VARCHAR NOT NULL,
    group_zh VARCHAR, sort_order INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dim_result (
    result VARCHAR PRIMARY KEY, label_zh VARCHAR NOT NULL, label_en VARCHAR NOT NULL,
    is_total BOOLEAN NOT NULL, sort_order INTEGER NOT NULL
);

-- Facts and quarantine (fact_applications, fact_proactive_disclosure, fact_review_litigation,
-- quarantine_*) are views over immutable Parquet files, one per run and table, beside this file
-- (gongkai.batches/<run id>/<table>.parquet); batch_index says which batch holds each report's
-- counted cells. Their columns and types are in pipeline/batches.py (COLUMNS), created before
-- this script runs. Facts: one row per printed cell of a loaded table. `raw` is the printed text;
-- the number is NULL where the cell holds none (blank, /, —, 无), also for a total the agency left
-- blank (never filled in with the sum of its parts). `source_where`/`source_page` locate it.
-- DECIMAL(38, 10) holds every value the reader accepts exactly (pipeline.normalize.NUMBER_SQL):
-- an amount printed with 6 decimals is stored with 6 decimals. Quarantine: the same cells for
-- tables that failed a blocking check or could not be read, plus `reason`; numbers are DECIMAL
-- there: a quarantined count may be what made it fail (1.5, -1).

-- dq_results (one row per expectation and report validated in a run, success true or false) is
-- a view over the runs' Parquet files too (gongkai.batches/<run id>/dq_results.parquet), history
-- that is only ever appended to; its columns and types are in pipeline/batches.py (DQ_COLUMNS).
-- A run's own results wait in its build's dq_results_pending until it publishes.

-- Numbers the narrative states about the tables (pipeline/parse/narrative.py), per report;
-- the 'narrative' suite compares them with the tables (warnings, never blocking).
CREATE TABLE IF NOT EXISTS narrative_claims (
    report_id VARCHAR NOT NULL,
    claim     VARCHAR NOT NULL,   -- applications_received | reviews | lawsuits
    value     BIGINT NOT NULL,
    quote     VARCHAR             -- the words around the number, normalized
);

-- Analyst views --------------------------------------------------------------------------

CREATE OR REPLACE VIEW v_applications_wide AS
SELECT
    f.report_id, a.name AS agency, f.year, f.outcome, o.label_zh AS outcome_zh, o.sort_order,
    max(f.count) FILTER (WHERE f.applicant_type = 'natural_person')        AS natural_person,
    max(f.count) FILTER (WHERE f.applicant_type = 'commercial_enterprise') AS commercial_enterprise,
    max(f.count) FILTER (WHERE f.applicant_type = 'research_institution')  AS research_institution,
    max(f.count) FILTER (WHERE f.applicant_type = 'social_welfare_org')    AS social_welfare_org,
    max(f.count) FILTER (WHERE f.applicant_type = 'legal_service_org')     AS legal_service_org,
    max(f.count) FILTER (WHERE f.applicant_type = 'other_org')             AS other_org,
    max(f.count) FILTER (WHERE f.applicant_type = 'total')                 AS total
FROM fact_applications f
JOIN dim_outcome o USING (outcome)
LEFT JOIN dim_agency a USING (agency_id)
GROUP BY ALL;

CREATE OR REPLACE VIEW v_agency_year AS
-- A row's 总计 as printed; 0 when it is blank and so are its parts; NULL when the agency left the
-- total blank while its parts are not 0 (a total not printed): never the sum of the parts.
WITH app_rows AS (
    SELECT report_id, outcome,
        coalesce(max(count) FILTER (WHERE applicant_type = 'total'),
                 CASE WHEN coalesce(sum(count) FILTER (WHERE applicant_type <> 'total'), 0) = 0 THEN 0 END) AS n
    FROM fact_applications GROUP BY report_id, outcome
), apps AS (
    SELECT report_id,
        max(n) FILTER (WHERE outcome = 'new_received')      AS applications_received,
        max(n) FILTER (WHERE outcome = 'carried_over')      AS carried_over,
        max(n) FILTER (WHERE outcome = 'handled_total')     AS handled_total,
        max(n) FILTER (WHERE outcome = 'granted')           AS granted,
        max(n) FILTER (WHERE outcome = 'partially_granted') AS partially_granted,
        max(n) FILTER (WHERE outcome = 'carried_forward')   AS carried_forward
    FROM app_rows GROUP BY report_id
), rl_rows AS (
    SELECT report_id, proceeding,
        coalesce(max(count) FILTER (WHERE result = 'total'),
                 CASE WHEN coalesce(sum(count) FILTER (WHERE result <> 'total'), 0) = 0 THEN 0 END) AS total,
        coalesce(max(count) FILTER (WHERE result = 'corrected'), 0) AS corrected,
        coalesce(max(count) FILTER (WHERE result = 'pending'), 0)   AS pending
    FROM fact_review_litigation GROUP BY report_id, proceeding
), rl AS (
    -- a sum over proceedings is NULL as soon as one of their totals was not printed
    SELECT report_id,
        CASE WHEN bool_and(total IS NOT NULL) FILTER (WHERE proceeding = 'administrative_review')
             THEN sum(total) FILTER (WHERE proceeding = 'administrative_review') END      AS reviews,
        sum(corrected) FILTER (WHERE proceeding = 'administrative_review')                AS reviews_corrected,
        sum(pending) FILTER (WHERE proceeding = 'administrative_review')                  AS reviews_pending,
        CASE WHEN bool_and(total IS NOT NULL) FILTER (WHERE proceeding <> 'administrative_review')
             THEN sum(total) FILTER (WHERE proceeding <> 'administrative_review') END     AS lawsuits,
        sum(corrected) FILTER (WHERE proceeding <> 'administrative_review')               AS lawsuits_corrected,
        sum(pending) FILTER (WHERE proceeding <> 'administrative_review')                 AS lawsuits_pending
    FROM rl_rows GROUP BY report_id
)
SELECT
    r.agency_id, a.name AS agency, a.province, a.city, a.county, r.year, r.template, r.status, r.report_id,
    apps.applications_received, apps.carried_over, apps.handled_total, apps.granted, apps.partially_granted,
    apps.carried_forward,
    (apps.granted + apps.partially_granted) / nullif(apps.handled_total, 0) AS disclosure_rate,
    rl.reviews, rl.reviews_corrected,
    rl.reviews_corrected / nullif(rl.reviews - rl.reviews_pending, 0)       AS review_correction_rate,
    rl.lawsuits, rl.lawsuits_corrected,
    rl.lawsuits_corrected / nullif(rl.lawsuits - rl.lawsuits_pending, 0)    AS litigation_correction_rate,
    r.source_file, r.present   -- the file that counts the report, and whether it is still in the raw folder
FROM reports r
JOIN dim_agency a USING (agency_id)
LEFT JOIN apps USING (report_id)
LEFT JOIN rl USING (report_id)
WHERE r.status IN ('loaded', 'partial');   -- one row per report: a byte-identical copy is 'duplicate'

-- What the last load applied, so that a run notices when it must re-apply something even
-- though no raw file changed (e.g. an analyst edited data/agencies.csv).
CREATE TABLE IF NOT EXISTS pipeline_state (
    key   VARCHAR PRIMARY KEY,   -- e.g. 'agency_overrides_sha256'
    value VARCHAR
);
