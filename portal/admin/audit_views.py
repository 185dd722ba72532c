"""The audit log and the outbox pages."""
from portal.admin import bp  # noqa: F401
