"""What every access-table module uses: the roles (one status column each), ``LOGIN`` and an
id that does not exist."""

ROLES = ("anon", "seeker", "owner", "recruiter", "other", "champion", "admin")

# LOGIN: 302 redirect to the sign-in page (login_required, signed out)
LOGIN = "login"

MISSING = 999999  # an id that does not exist
