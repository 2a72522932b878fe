"""The catalogue claims are filed against: outlets and stances, sources, entities, topics, audit.

Imports `factbase.store` and `factbase.text`; never claims, analysis, interchange or cli.
"""
