"""The throwaway PostgreSQL cluster of the tests: the harness's own (``harness/postgres.py``)."""

from __future__ import annotations

from harness.postgres import pg_bin, temporary_postgres

__all__ = ["pg_bin", "temporary_postgres"]
