"""Webhooks: agencies' systems told of applications and job changes, signed, retried."""
