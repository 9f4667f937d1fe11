"""The case store: the only package that talks SQL.

Each feature keeps its tables in a migration module under `forensics.store.migrations` and its
queries in a repository module here; everything else calls those.
"""
