"""Storage: the schema (models), opening and migrating the database, where files live.

Imports `factbase.text` and `factbase.errors`; nothing here knows claims' business rules.
"""
