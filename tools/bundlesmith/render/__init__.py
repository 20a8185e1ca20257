"""Render stage: one module per output (site, scorm, reports), all reading the same catalogue."""
