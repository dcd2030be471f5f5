"""Outcomes: outcome-measure instruments and their scoring, re-measurement, responder status,
the expected course and clinician alerts (pure)."""
