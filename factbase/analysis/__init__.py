"""What the claims say together: conflicts, cross-references, links, corroboration, review, reports.

Imports `factbase.claims` and everything below it; never interchange or cli.
"""
