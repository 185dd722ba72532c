"""Schemas shared by the API's resources: references to other objects and enum fields. Only the fields listed in
a schema ever leave the portal (marshmallow dumps nothing else)."""
from __future__ import annotations

import enum

import marshmallow as ma

from committees import safeguarding
from portal.api.auth import caller

F = ma.fields


class PublicText(F.String):
    """User text that the public (a caller without a token or session) reads with anything that looks like a
    beneficiary's personal data masked, as on the public pages (committees.safeguarding)."""

    def _serialize(self, value, attr, obj, **kwargs):
        value = super()._serialize(value, attr, obj, **kwargs)
        if value and not getattr(caller(), "is_authenticated", False):
            value = safeguarding.mask(value)
        return value


def enum_field(enum_cls: type[enum.Enum], **kw) -> F.Field:
    """A string restricted to the enum's values (documented as an enum)."""
    return F.Enum(enum_cls, by_value=True, **kw)


class CommitteeRef(ma.Schema):
    id = F.Integer(required=True)
    slug = F.String(required=True)
    name = F.String(required=True)


class OrganisationRef(ma.Schema):
    id = F.Integer(required=True)
    name = F.String(required=True)
    short_name = F.String(required=True)


class PersonRef(ma.Schema):
    id = F.Integer(required=True)
    full_name = F.String(required=True)
    organisation = F.Nested(OrganisationRef, allow_none=True, required=True)


class Link(ma.Schema):
    href = F.String(required=True)


def nullable(field_cls: type[F.Field], *args, **kw) -> F.Field:
    return field_cls(*args, allow_none=True, required=True, **kw)
