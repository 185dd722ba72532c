"""CSV import of organisations and people, with a dry run."""
from portal.admin import bp  # noqa: F401
