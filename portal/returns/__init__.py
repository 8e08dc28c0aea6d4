"""Workforce returns: reporting periods, each agency's return (web form or CSV), its
validation, versions and the champion's review."""
