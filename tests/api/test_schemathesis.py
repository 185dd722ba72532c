"""schemathesis against /api/v1/openapi.json through the WSGI app: for every operation, requests generated from
the document (valid and invalid ones), as the public and with a coordinator's write token, and valid ones aimed at
real objects of the test world (so the 200 answers are checked too). No answer may be a 5xx, and every answer
must match the document: a documented status, JSON, and a body of the documented schema.
`API_FUZZ_EXAMPLES` sets the examples per operation and run (default 10).

schemathesis's pytest plugin (`from_fixture`) relies on pytest internals that pytest 9 changed, so the operations
are driven here with hypothesis directly.
"""
from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from committees.db import db
from committees.services import tokens
from tests.web.routes.actions import _item
from tests.web.routes.minutes import _minutes
from tests.web.routes.proposals import make_proposal

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]


def _real_objects(world) -> dict:
    proposal = make_proposal(world, "forwarded")
    minutes = _minutes(world, "published")
    item = _item(world)
    db.session.commit()
    return {"slug": world.committee.slug, "proposal_id": proposal.id, "meeting_id": minutes.meeting_id,
            "item_id": item.id, "org_id": world.ngo.id, "person_id": world.representative.id}


def _isolated(app):
    """The app, each request in its own app context (as in production; the test holds one of its own)."""
    def wsgi(environ, start_response):
        with app.app_context():
            return app(environ, start_response)

    return wsgi


def _run(operation, mode, headers: dict, path_parameters: dict | None = None) -> None:
    # The headers go into the strategy: else schemathesis generates an Authorization header of its own (from the
    # document's bearerAuth scheme) that would replace the token.
    # Identity encoding: the portal gzips larger answers, and schemathesis' WSGI transport does not unpack them.
    strategy = operation.as_strategy(mode, path_parameters=path_parameters,
                                     headers={**headers, "Accept-Encoding": "identity"})

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(checks=CHECKS)

    try:
        check()
    except Unsatisfiable:
        if mode != GenerationMode.NEGATIVE:
            raise  # nothing invalid can be sent to an operation without parameters or body: fine


def test_every_operation_answers_as_documented(app, world):
    app.config["API_READ_LIMIT"] = app.config["API_WRITE_LIMIT"] = "100000 per minute"
    try:
        real = _real_objects(world)
        _token, raw = tokens.create_token(world.coordinator, world.coordinator, name="fuzz", scope="write")
        db.session.commit()
        assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _isolated(app))
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20
        token = {"Authorization": f"Bearer {raw}"}
        for operation in operations:
            for headers in ({}, token):
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    _run(operation, mode, headers)
            names = {p.name for p in operation.path_parameters}
            if names:
                _run(operation, GenerationMode.POSITIVE, token, {name: real[name] for name in names})
    finally:
        app.config["API_READ_LIMIT"], app.config["API_WRITE_LIMIT"] = "600 per minute", "60 per minute;1000 per day"
