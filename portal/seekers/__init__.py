"""Job seekers: profile, visibility consent, résumés, saved jobs."""
