"""Worked examples on the six real reports of ../shared/realworld/ (expected cells typed by hand)."""
