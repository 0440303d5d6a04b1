"""Alembic revisions, oldest first by their numbered revision ids."""
