"""The API's errors: one JSON shape, {"error": {"code", "message"}} (plus "fields" for invalid input)."""
from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from committees.db import db
from committees.errors import DomainError, Forbidden
from committees.safeguarding import PersonalDataSuspected
from portal.errors import CODES, MESSAGES


class Finding(ma.Schema):
    field = ma.fields.String(required=True, metadata={"description": "The part of the text (a field, a section)."})
    kind = ma.fields.String(required=True, metadata={"description": "email, phone, id_number, case_number, "
                                                                    "social_security or birth_date."})
    passage = ma.fields.String(required=True, metadata={"description": "The finding with some text around it."})


class ErrorBody(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "A stable, machine-readable code."})
    message = ma.fields.String(required=True, metadata={"description": "What went wrong, for people."})
    fields = ma.fields.Dict(keys=ma.fields.String(), metadata={
        "description": "Invalid input: the messages per field (and location, for query and body)."})
    findings = ma.fields.List(ma.fields.Nested(Finding), metadata={
        "description": "personal_data_suspected: the passages that look like a beneficiary's personal data. Correct "
                       "the text, or send the request again with a safeguarding_reason (it is audited)."})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBody, required=True)


class ApiError(HTTPException):
    """Raised by API views: an HTTP status with the API's code and message."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.code = status
        self.api_code = code
        self.message = message
        self.extra_headers = headers or {}


def fail(status: int, code: str, message: str, headers: dict | None = None):
    raise ApiError(status, code, message, headers)


def not_found():
    fail(404, "not_found", _("There is no such resource, or you may not see it."))


def json_error(status: int, code: str, message: str, fields: dict | None = None, headers: dict | None = None,
               findings: list | None = None):
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    if findings:
        body["findings"] = findings
    response = jsonify(error=body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _handle_http(error: HTTPException):
    status = error.code or 500
    if isinstance(error, ApiError):
        return json_error(status, error.api_code, error.message, headers=error.extra_headers)
    if status >= 500:
        db.session.rollback()
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    headers = dict(data.get("headers") or {})
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        headers["Retry-After"] = str(dict(error.get_headers()).get("Retry-After") or 60)
    if messages:  # webargs: invalid query or body
        return json_error(status, "invalid_input", _("Some of the input is not valid."), fields=messages,
                          headers=headers)
    message = MESSAGES[status]() if status in MESSAGES else (error.description or "")
    return json_error(status, CODES.get(status, "error"), message, headers=headers)


def _handle_domain(error: DomainError):
    db.session.rollback()
    message = _(error.message)
    if isinstance(error, Forbidden):  # the policy's phrase, "see this committee"
        message = _("You may not %(what)s.", what=message)
    fields = {error.field: [message]} if error.field else None
    status = 422 if error.status == 400 else error.status
    findings = error.as_json() if isinstance(error, PersonalDataSuspected) else None
    return json_error(status, error.code, message, fields=fields, findings=findings)


MAX_ID = 2**31 - 1


def _ids_in_range():
    """An id no row can have (beyond the databases' INTEGER) is simply not found, not an overflow."""
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            not_found()


def init_blueprint(bp: Blueprint) -> None:
    bp.before_request(_ids_in_range)
    bp.register_error_handler(HTTPException, _handle_http)
    bp.register_error_handler(DomainError, _handle_domain)
