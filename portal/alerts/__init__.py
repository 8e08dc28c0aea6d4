"""Saved searches as email alerts: double opt-in, digests of new jobs (never sent twice),
one-click unsubscribe, bounces. Services in ``services``, the run in ``runner``."""
