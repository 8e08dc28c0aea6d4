"""Privacy rights under BC's PIPA: a person's export of their data, deleting an account and
purging its personal data after the retention period, the retention periods themselves."""
