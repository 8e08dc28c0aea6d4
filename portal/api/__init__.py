"""JSON API v1 for agencies' own systems and anyone reading the sector's jobs."""
