"""Record declarations: the leaf layer every other part of the case builds on.

Each record type is declared once (its frozen dataclass and a `RecordType` naming its table,
custody subject and key; vocabularies as `StrEnum`s). The store derives its SQL, `verify` its
fetchers and the custody log its digests from these declarations. Nothing here imports any
other module of ours (an import-linter contract keeps it so).
"""
