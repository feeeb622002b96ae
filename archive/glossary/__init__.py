"""The vocabularies across the archive's two languages: the curated glossary and a general dictionary.

The glossary is content (content/glossary/<topic>.yaml, loaded by load_content and written
back by export_archive); the dictionary is derived from a Debian word list by build_dictionary.
archive.glossary.lookup answers from both, the glossary first. See docs/search.md,
"Across languages: vocabularies".
"""
