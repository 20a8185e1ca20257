"""bundlesmith: co-created Markdown training modules -> learners' site, SCORM packages, coverage reports."""

__version__ = "0.1.0"
