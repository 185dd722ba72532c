"""Route × role expectations: one module per blueprint, collected here for tests/web/test_route_matrix.py.

An expectation is (endpoint, method, url builder over the `world` fixture, {role: expected outcome}).
Outcomes are an HTTP status (200, 400, 403, 404, 405, ...), `302` for a redirect that is *not* to the
sign-in page, `LOGIN` for a redirect to /login, or (for POSTs only) `ALLOWED`: the request passed
authorisation (any answer but 403/404/405/redirect-to-login/5xx), since POSTs carry only minimal data.

A role missing from the mapping is denied (LOGIN for the public, 403 for everyone else), and so is a
role name the harness does not know: nothing is granted by default. Keys must be real role names.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import ROLES

LOGIN = "login"
ALLOWED = "allowed"
COORDINATORS = ("coordinator", "admin")
SIGNED_IN = tuple(r for r in ROLES if r != "public")
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
Outcome = int | str


def denied(role: str) -> Outcome:
    return LOGIN if role == "public" else 403


@dataclass(frozen=True)
class Expect:
    endpoint: str
    method: str
    url: Callable[[Any], str]
    statuses: Mapping[str, Outcome]
    data: Callable[[Any], dict] | None = None
    label: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        unknown = set(self.statuses) - set(ROLES)
        if unknown:
            raise ValueError(f"{self.endpoint}: unknown role name(s) {sorted(unknown)}; use {ROLES}")
        if self.method not in METHODS:
            raise ValueError(f"{self.endpoint}: unknown method {self.method}")
        if ALLOWED in self.statuses.values() and self.method == "GET":
            raise ValueError(f"{self.endpoint}: ALLOWED is for POSTs; a GET states its exact status")

    def status_for(self, role: str) -> Outcome:
        """The expected outcome for `role`; unknown or unlisted roles are denied."""
        if role not in ROLES:
            return denied(role)
        return self.statuses.get(role, denied(role))

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}" + (f" [{self.label}]" if self.label else "")


# -- builders for the {role: outcome} mapping ------------------------------------------------------

def everyone(outcome: Outcome = 200) -> dict[str, Outcome]:
    return {role: outcome for role in ROLES}


def signed_in(outcome: Outcome = 200, public: Outcome = LOGIN) -> dict[str, Outcome]:
    return {"public": public, **{role: outcome for role in SIGNED_IN}}


def only(roles: Iterable[str], outcome: Outcome = 200, *, others: Outcome = 403,
         public: Outcome = LOGIN) -> dict[str, Outcome]:
    """`outcome` for `roles`, `others` for the remaining signed-in roles, `public` for the public."""
    roles = set(roles)
    result = {role: (outcome if role in roles else others) for role in SIGNED_IN}
    result["public"] = outcome if "public" in roles else public
    return result


def get(endpoint: str, url: Callable[[Any], str], statuses: Mapping[str, Outcome], label: str = "") -> Expect:
    return Expect(endpoint, "GET", url, statuses, label=label)


def post(endpoint: str, url: Callable[[Any], str], statuses: Mapping[str, Outcome], data=None,
         label: str = "") -> Expect:
    return Expect(endpoint, "POST", url, statuses, data=data, label=label)


def const(url: str) -> Callable[[Any], str]:
    return lambda world: url


BLUEPRINT_MODULES = ("main", "auth", "static", "bodies", "people", "admin", "meetings", "agendas", "notifications",
                     "minutes", "decisions", "actions", "dashboard", "proposals", "proposal_lists", "search", "api")


def collect() -> list[Expect]:
    """Every module's EXPECTATIONS; add a module name above when a blueprint lands."""
    import importlib

    expectations: list[Expect] = []
    for name in BLUEPRINT_MODULES:
        expectations.extend(importlib.import_module(f"tests.web.routes.{name}").EXPECTATIONS)
    return expectations


__all__ = ["ALLOWED", "COORDINATORS", "Expect", "LOGIN", "SIGNED_IN", "collect", "const", "denied", "everyone",
           "get", "only", "post", "signed_in"]
