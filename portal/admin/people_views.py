"""Coordinators manage people: list, create and invite, edit, deactivate, roles."""
from portal.admin import bp  # noqa: F401
