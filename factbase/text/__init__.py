"""Text as people write it: quantities, dates, languages, compare keys.

Pure functions: imports only the standard library, `factbase.errors` and its own modules.
"""
