"""Load stage: read every content file into the in-memory catalogue, with diagnostics."""
