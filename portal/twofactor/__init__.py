"""Two-step sign-in (TOTP codes from an app, recovery codes), required of HR champions and
admins before extracts and user management."""
