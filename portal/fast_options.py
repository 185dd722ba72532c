"""A faster `<option>` for WTForms' Select widget (every SelectField and SelectMultipleField), same HTML.

WTForms builds each option through html_params() (a sorted dict, an escape, a Markup.format per attribute): about
25 us an option. Filter forms offer long lists (the dashboard's and the proposal list's organisation filters, one
option per organisation: over 1,000 at the benchmark's scale), so that was a third of those pages' time. The plain
case (no extra attributes on the option) is built here directly; it gives byte for byte what WTForms gives
(tests/web/test_fast_options.py compares them), any other case goes to WTForms itself.
"""
from __future__ import annotations

from markupsafe import Markup, escape
from wtforms.widgets import Select

_QUOTE, _ESCAPED_QUOTE = Markup('"'), Markup("&quot;")
_original = Select.__dict__["render_option"]


def _render_option(cls, choice, **kwargs):
    if kwargs or choice.render_kw:
        return _original.__func__(cls, choice, **kwargs)
    value = choice.value
    if isinstance(value, bool):
        value = str(value)
    value = escape(value).replace(_QUOTE, _ESCAPED_QUOTE)
    label = escape(choice.label or choice.value)
    # value and label were escaped just above: the f-strings only join escaped text
    if choice.selected:
        return Markup(f'<option selected value="{value}">{label}</option>')  # nosec B704
    return Markup(f'<option value="{value}">{label}</option>')  # nosec B704


def install() -> None:
    """Use the fast path for Select and every subclass that does not render options its own way."""
    if Select.__dict__["render_option"] is _original:
        Select.render_option = classmethod(_render_option)
