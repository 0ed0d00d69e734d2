"""What the checks run against: a Streamlit server, a PostgreSQL cluster, Debian's Chromium.

Tests (``tests/``), the benchmark (``benchmarks/``) and the deployment check
(``deploy/``) start their servers with the same code, so a fix to how a server
is started, waited for or stopped reaches all three. The harness stands on the
standard library only (Playwright only for the browser's wait helper); it
imports nothing from ``tests/``, ``benchmarks/`` or ``deploy/``, and the app's
own packages never import it.

- ``harness.server``: :func:`~harness.server.streamlit_server` (free port, health
  wait on ``/_stcore/health``, clean stop, log file), :func:`~harness.server.free_port`,
  :func:`~harness.server.wait_healthy`.
- ``harness.postgres``: :func:`~harness.postgres.temporary_postgres`, a throwaway cluster.
- ``harness.browser``: where Chromium is, its flags, and :func:`~harness.browser.wait_idle`.
"""
