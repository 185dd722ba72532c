"""portal/fast_options.py renders <option> exactly as WTForms does, only faster."""
from __future__ import annotations

import sys

import pytest
from markupsafe import Markup
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.widgets import Select

from portal import fast_options

ORIGINAL = fast_options._original.__func__

# (value, label, render_kw) as a field's choices give them to the widget
CHOICES = [
    ("1", "One", {}),
    (2, "Two & <two>", {}),
    ("a\"b'c", 'Quote " and \' and <b>', {}),
    (Markup('x"y'), Markup("<em>marked</em>"), {}),
    ("", "", {}),
    ("lonely", None, {}),
    (None, None, {}),
    (True, "yes", {}),
    (False, "no", {}),
    ("Αθήνα", "العربية", {}),
    ("x", "with attributes", {"disabled": True, "data_kind": "k"}),
]


def test_installed(app):
    assert Select.__dict__["render_option"].__func__ is fast_options._render_option


@pytest.mark.parametrize("choice", CHOICES, ids=range(len(CHOICES)))
@pytest.mark.parametrize("selected", [False, True])
def test_same_html_as_wtforms(choice, selected):
    value, label, render_kw = choice
    rendered = Choice(value, label, selected, render_kw)
    fast = fast_options._render_option(Select, rendered)
    assert fast == ORIGINAL(Select, rendered)
    assert isinstance(fast, Markup)
    assert fast_options._render_option(Select, rendered, class_="x") == ORIGINAL(Select, rendered, class_="x")


def test_whole_select_fields_render_the_same():
    class F(Form):
        single = SelectField(choices=[SelectChoice(str(i), f"Organisation <{i}> & co") for i in range(50)]
                             + [SelectChoice("", "Any")])
        multi = SelectMultipleField(choices=[SelectChoice("a", "A"), SelectChoice("b", 'B "bee"'),
                                             SelectChoice("c", "C", render_kw={"disabled": True})])
        grouped = SelectField(choices=[SelectChoice("g1", "G1", optgroup="Group <1>"),
                                       SelectChoice("g2", "G2 & more", optgroup="Group 2")])

    form = F(data={"single": "7", "multi": ["a", "c"], "grouped": "g2"})
    fast = [str(form.single()), str(form.multi()), str(form.grouped())]
    Select.render_option = classmethod(fast_options._original.__func__)
    try:
        slow = [str(form.single()), str(form.multi()), str(form.grouped())]
    finally:
        Select.render_option = classmethod(fast_options._render_option)
    assert fast == slow
    assert '<option selected value="7">Organisation &lt;7&gt; &amp; co</option>' in fast[0]


def test_fewer_calls_than_wtforms():
    """Less work per option, counted in function calls (deterministic; the time is measured by bench/, not here)."""
    rendered = Choice("123", "Some organisation & partners", False, {})

    def calls(render) -> int:
        count = 0

        def profile(frame, event, arg):
            nonlocal count
            if event in ("call", "c_call"):
                count += 1

        sys.setprofile(profile)
        try:
            for _ in range(100):
                render(Select, rendered)
        finally:
            sys.setprofile(None)
        return count

    assert calls(fast_options._render_option) * 3 < calls(ORIGINAL)
