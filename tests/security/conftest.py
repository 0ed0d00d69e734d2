"""The security suite replays each reviewed finding against a running server (and in-process where that is enough).

Browser fixtures come from tests/browser/conftest.py; servers start the README's entry
point (``serve.py``, the app behind its front door) unless a test asks for the plain app.
"""

from tests.browser.conftest import browser, fresh_server, new_page, server  # noqa: F401 - fixtures
