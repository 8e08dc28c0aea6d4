"""Backups and restores: ``flask portal backup DIR`` and ``flask portal restore DIR``."""

from portal.backup.cli import backup_command, restore_command

__all__ = ["backup_command", "restore_command"]
