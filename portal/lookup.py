"""Type-ahead fields: a text box instead of a `<select>` of thousands (committees/lookup.py says why).

`LookupField` renders a text input tied to a `<datalist>` and a hidden id input (`<name>_id`). static/js/portal.js
fills the datalist from the field's JSON address as the user types, and the hidden id when a suggestion is taken.
Without JavaScript the typed text is resolved on submit; when several match, the field lists them as radio buttons
named `<name>_id`. A submitted `<name>_id` (also what scripts and tests post) wins over the text.
"""
from __future__ import annotations

from typing import Callable

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.validators import ValidationError
from wtforms.widgets import html_params

from committees import lookup


class LookupWidget:
    def __call__(self, field: "LookupField", **kwargs):
        options = f"{field.id}-options"
        kwargs.setdefault("id", field.id)
        kwargs.update({"type": "text", "name": field.name, "value": field.data or "", "list": options,
                       "autocomplete": "off", "maxlength": lookup.MAX_TEXT})
        if field.lookup_url:
            kwargs.update({"data-lookup": field.lookup_url, "data-lookup-id": field.id_field_id})
        hidden = html_params(type="hidden", name=field.id_name, id=field.id_field_id, value="")
        datalist = f'<datalist id="{escape(options)}"></datalist>'
        # html_params escapes every attribute value, and the datalist's id is escaped just above
        return Markup(f"<input {html_params(**kwargs)}><input {hidden}>{datalist}")  # nosec B704


class LookupField(Field):
    """A person or organisation chosen by typing: `.data` is the text, `.chosen_id` the id when one was picked.

    Set `lookup_url` (the JSON suggestions) before rendering; after a failed resolution `matches` holds the
    candidates to choose from."""

    widget = LookupWidget()

    def __init__(self, label=None, validators=None, required=True, required_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.required_message = required_message or _l("Choose one.")
        self.lookup_url: str | None = None
        self.matches: list[lookup.Suggestion] = []
        self.chosen_id: int | None = None

    @property
    def id_name(self) -> str:
        return f"{self.name}_id"

    @property
    def id_field_id(self) -> str:
        return f"{self.id}_id"

    def process_formdata(self, valuelist):
        self.data = " ".join((valuelist[0] if valuelist else "").split())[:lookup.MAX_TEXT]

    def process(self, formdata, data=None, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if self.data is not None and not isinstance(self.data, str):  # an object given to the form (obj=...)
            self.data = getattr(self.data, "label", None) or str(self.data)
        self.chosen_id = None
        if formdata is not None:
            for value in formdata.getlist(self.id_name):
                if value:
                    if not value.isdigit() or len(value) > 18:
                        self.process_errors.append(_l("The choice was not understood."))
                    else:
                        self.chosen_id = int(value)
                    break

    @property
    def empty(self) -> bool:
        return not self.data and self.chosen_id is None

    def pre_validate(self, form):
        if self.required and self.empty:
            raise ValidationError(self.required_message)

    def _value(self):
        return self.data or ""


NOT_AVAILABLE = _l("That choice is not available here.")
NONE_MATCH = _l("Nothing matches “%(text)s”. Check the spelling, or type part of the name.")
SEVERAL_MATCH = _l("Several match “%(text)s”: choose one below, or type more of the name.")


def resolve(field: LookupField, resolver: Callable[[str], lookup.Resolved],
            by_id: Callable[[int], lookup.Suggestion | None] | None = None) -> int | None:
    """The id the field designates: the one picked, else the one its text resolves to (the text then shows its
    label). None with the field's error set (and `matches` to choose from) when the text designates no single one.

    With `by_id`, a picked id is checked (in the field's scope) and its label shown; without, the caller loads it."""
    if field.chosen_id is not None:
        if by_id is None:
            return field.chosen_id
        found = by_id(field.chosen_id)
        if found is None:
            field.errors = list(field.errors) + [NOT_AVAILABLE]
            return None
        field.data = found.label
        return found.id
    result = resolver(field.data or "")
    if result.found is not None:
        field.data = result.found.label
        return result.found.id
    field.matches = result.matches
    field.errors = list(field.errors) + [(SEVERAL_MATCH if result.matches else NONE_MATCH) % {"text": field.data}]
    return None


def resolve_organisation(field: LookupField, scope) -> int | None:
    """`resolve` for an organisation within `scope` (conditions), a picked id checked against it too."""
    return resolve(field, lambda text: lookup.resolve_organisation(text, scope),
                   by_id=lambda i: lookup.organisation_by_id(i, scope))


class OrganisationFilter:
    """For a GET filter form with an `organisation` LookupField (mixed in before FlaskForm): after the other fields,
    the organisation typed or picked is resolved within `organisations_scope` (committees/lookup.py conditions, set
    by the form's fill_choices) into `organisation_id`; an empty field filters nothing."""

    organisations_scope: list = []
    organisation_id: int | None = None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):  # type: ignore[misc]
            return False
        field, scope = self.organisation, self.organisations_scope  # type: ignore[attr-defined]
        if field.empty:
            return True
        self.organisation_id = resolve_organisation(field, scope)
        return self.organisation_id is not None


def optional_organisation(field: LookupField) -> tuple[bool, int | None]:
    """An optional organisation of a record (a person's): (True, None) when the field is empty or "0" was picked
    (no organisation), (True, id) for the one picked or typed, (False, None) with the field's error otherwise."""
    if field.chosen_id == 0 or field.empty:
        return True, None
    found = resolve_organisation(field, [])
    return found is not None, found


def suggestions_response(suggest: Callable[[str, object], list[lookup.Suggestion]], scope):
    """The JSON a type-ahead field asks for: `{"results": [{"id", "label"}]}` for `?q=`, the first matches."""
    text = request.args.get("q", "")
    results = [{"id": s.id, "label": s.label} for s in suggest(text, scope)] if len(text.strip()) >= 2 else []
    response = jsonify(results=results)
    response.headers["Cache-Control"] = "private, no-store"
    return response
