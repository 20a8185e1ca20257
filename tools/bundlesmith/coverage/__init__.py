"""Coverage reports: one deterministic data structure (`coverage.json`) computed from the catalogue, many views.

`compute.bundle_coverage` builds the per-bundle document and `framework.framework_coverage` the view across
bundles; `html`, `xlsx`, `csv`, `markdown` and `jsonview` turn either into bytes and never compute anything.
"""

SCHEMA_VERSION = "1.0"
