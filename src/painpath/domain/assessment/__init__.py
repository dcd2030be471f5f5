"""Assessment: intake and examination, red and yellow flags, pain mechanism, irritability,
regional interdependence and the clinical picture (pure)."""
