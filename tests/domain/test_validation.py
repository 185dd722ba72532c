"""committees.validation: the title check every service shares."""
from __future__ import annotations

import pytest

from committees.errors import ValidationFailed
from committees.services import meetings as meeting_svc
from committees.validation import clean_title


def test_title_is_stripped_in_place():
    values = {"title": "  Housing  "}
    clean_title(values, "Missing", required=True)
    assert values == {"title": "Housing"}


@pytest.mark.parametrize("values, required, code", [
    ({}, True, "required"),
    ({"title": ""}, False, "required"),
    ({"title": "   "}, True, "required"),
    ({"title": None}, False, "required"),
    ({"title": "x" * 201}, False, "too_long"),
])
def test_refusals_name_the_field(values, required, code):
    with pytest.raises(ValidationFailed) as error:
        clean_title(values, "Missing", required=required)
    assert error.value.code == code and error.value.field == "title"


def test_absent_title_is_fine_on_update():
    values = {"description": "x"}
    clean_title(values, "Missing", required=False)
    assert values == {"description": "x"}


def test_a_meeting_title_longer_than_its_column_is_refused_not_left_to_the_database(world):
    # PostgreSQL would raise on a value longer than varchar(200); the service must refuse it first.
    with pytest.raises(ValidationFailed) as error:
        meeting_svc.create_meeting(world.cochair, world.committee, title="M" * 201)
    assert error.value.code == "too_long"
