"""The fixtures live in ``tests/support/fixtures.py`` (a pytest plugin), the helpers in
``tests/support``: test modules import helpers from ``tests.support``, never from here."""

pytest_plugins = ["tests.support.fixtures"]
