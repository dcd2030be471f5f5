"""Progression: daily check-ins, the graded-activity engine and its policy, the exposure
ladder, and synthetic patients for tests and demos (pure)."""
