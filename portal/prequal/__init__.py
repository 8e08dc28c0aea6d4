"""Pre-qualified lists: screened talent pools shared by partner agencies."""
