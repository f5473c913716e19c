"""The IVR's own storage: SQLAlchemy 2 typed models, encrypted PII columns, Alembic migrations."""
