"""Backups and restores: ``flask portal backup DIR`` and ``flask portal restore DIR``."""
