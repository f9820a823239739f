"""The Dagster layer: assets, the arithmetic check, job, schedule and sensor (no domain logic)."""
