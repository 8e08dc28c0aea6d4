"""Matching both ways: one score between a seeker's profile and one share of a published
job, explained criterion by criterion; recommended jobs, suggested candidates, full-time
weeks built from part-time shares, and pooling opportunities between agencies."""
