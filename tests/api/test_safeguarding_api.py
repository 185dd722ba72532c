"""Safeguarding in the API: personal_data_suspected names the passages; a safeguarding_reason confirms; the public
reads such passages masked, as on the pages."""
from __future__ import annotations

from committees.db import db
from tests.web.routes.proposals import make_proposal
from tests.web.test_safeguarding import PHONE, _forwarded_with


def test_the_api_names_the_passages_and_takes_a_reason(world, api_as):
    proposal = make_proposal(world, "draft", expected_impact=f"Families like the H. family ({PHONE}).")
    db.session.commit()
    client = api_as("representative", "write")
    url = f"/api/v1/proposals/{proposal.id}/transitions"
    refused = client.post(url, json={"transition": "submit"})
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "personal_data_suspected"
    assert error["findings"] == [{"field": "expected_impact", "kind": "phone",
                                  "passage": f"Families like the H. family ({PHONE})."}]
    done = client.post(url, json={"transition": "submit", "safeguarding_reason": "Our own number"})
    assert done.status_code == 200 and done.get_json()["state"] == "submitted"


def test_the_public_api_masks_like_the_pages(world, api_as):
    proposal = _forwarded_with(world, target_group=f"People calling {PHONE}")
    body = api_as(None).get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert PHONE not in str(body) and body["target_group"].startswith("People calling •")
    member = api_as("representative").get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert member["target_group"] == f"People calling {PHONE}"
