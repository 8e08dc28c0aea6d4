"""Applications: applying, screening questions, the agency's pipeline, emails."""
