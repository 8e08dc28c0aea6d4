"""Pooled positions: part-time shares from several agencies offered as one job."""
