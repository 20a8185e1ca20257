"""1EdTech CASE (Competencies and Academic Standards Exchange): every framework as a CFPackage, and back.

`ids` holds the one identifier rule; `export` builds packages from the catalogue; `checks` tests what the
CFPackage schema cannot (ends resolve, no cycles, valid UUIDs); `importer` turns a package into a framework
YAML file.
"""
