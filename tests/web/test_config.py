"""Configuration refuses unsafe production settings (security.md 29) and derives what it must."""
from __future__ import annotations

import pytest

from config import ProductionConfig, TestingConfig, config_class, database_url

GOOD_KEY = "k3Y-for-the-portal-9f8e7d6c5b4a3210zyxw"


def production(app=None, **overrides):
    from portal import create_app

    settings = {"SECRET_KEY": GOOD_KEY, "TRUSTED_HOSTS": ["portal.example"], "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    settings.update(overrides)
    return create_app("production", **settings)


def test_production_starts_with_safe_settings():
    app = production()
    assert app.config["ENV_NAME"] == "production"
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert app.config["WTF_CSRF_ENABLED"] is True


@pytest.mark.parametrize("key", [None, "", "short", "x" * 64, "ab" * 40, TestingConfig.SECRET_KEY,
                                 12345678901234567890])
def test_production_refuses_missing_short_or_default_secret_key(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        production(SECRET_KEY=key)


def test_production_refuses_debug():
    with pytest.raises(RuntimeError, match="DEBUG"):
        production(DEBUG=True)


def test_production_refuses_testing():
    with pytest.raises(RuntimeError, match="TESTING"):
        production(TESTING=True)


def test_production_refuses_flask_debug_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="DEBUG"):
        production()


def test_production_refuses_missing_trusted_hosts():
    with pytest.raises(RuntimeError, match="TRUSTED_HOSTS"):
        production(TRUSTED_HOSTS=None)
    with pytest.raises(RuntimeError, match="TRUSTED_HOSTS"):
        production(TRUSTED_HOSTS=[])


@pytest.mark.parametrize("name", ["SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"])
def test_production_refuses_insecure_cookies(name):
    with pytest.raises(RuntimeError, match="COOKIE_SECURE"):
        production(**{name: False})


def test_unknown_environment_name_is_refused():
    with pytest.raises(RuntimeError, match="PORTAL_ENV"):
        config_class("staging")


def test_environment_name_chooses_the_class(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    assert config_class() is ProductionConfig
    assert config_class("TESTING") is TestingConfig


def test_database_url_uses_psycopg_3():
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert database_url(None).startswith("sqlite:///")


def test_engine_options_follow_an_overridden_database_url():
    from portal import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://127.0.0.1:1/x")
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert "connect_timeout" in options["connect_args"]
    assert "statement_timeout" in options["connect_args"]["options"]
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    assert "connect_timeout" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {})


def test_explicit_engine_options_are_kept():
    from portal import create_app

    options = {"connect_args": {"connect_timeout": 1}}
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://127.0.0.1:1/x",
                     SQLALCHEMY_ENGINE_OPTIONS=options)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == options


def test_testing_app_is_not_production(app):
    assert app.config["ENV_NAME"] == "testing"
    assert "Strict-Transport-Security" not in app.test_client().get("/healthz").headers


# -- two-step sign-in: who must use it --------------------------------------------------------------------------

def test_production_requires_two_step_sign_in_for_coordinators_and_admins_by_default():
    assert production().config["TWO_FACTOR_REQUIRED_ROLES"] == ("coordinator", "admin")


def test_testing_and_development_require_it_of_nobody_by_default(app):
    from portal import create_app

    assert app.config["TWO_FACTOR_REQUIRED_ROLES"] == ()
    assert create_app("development", SECRET_KEY=GOOD_KEY).config["TWO_FACTOR_REQUIRED_ROLES"] == ()


@pytest.mark.parametrize("value, roles", [
    ("coordinator,admin", ("coordinator", "admin")),
    (" Admin , coordinator ,admin", ("admin", "coordinator")),
    ("member,coordinator,admin", ("none", "coordinator", "admin")),
    ("", ()),
    ((), ()),
    (["admin"], ("admin",)),
])
def test_two_factor_roles_are_read_as_names(value, roles):
    assert production(TWO_FACTOR_REQUIRED_ROLES=value).config["TWO_FACTOR_REQUIRED_ROLES"] == roles


@pytest.mark.parametrize("value", ["coordinator,admn", "administrator", "none", "cochair", ["admin", "root"]])
def test_an_unknown_two_factor_role_name_is_refused(value):
    from portal import create_app

    with pytest.raises(RuntimeError, match="TWO_FACTOR_REQUIRED_ROLES"):
        production(TWO_FACTOR_REQUIRED_ROLES=value)
    with pytest.raises(RuntimeError, match="TWO_FACTOR_REQUIRED_ROLES"):
        create_app("testing", TWO_FACTOR_REQUIRED_ROLES=value)


def test_two_factor_role_names_cover_every_global_role():
    from committees.models import GlobalRole
    from config import TWO_FACTOR_ROLE_NAMES

    assert set(TWO_FACTOR_ROLE_NAMES.values()) == {role.value for role in GlobalRole}


def test_two_factor_roles_come_from_the_environment(monkeypatch):
    from config import _two_factor_roles

    monkeypatch.setenv("TWO_FACTOR_REQUIRED_ROLES", "admin")
    assert _two_factor_roles(("coordinator", "admin")) == "admin"
    monkeypatch.delenv("TWO_FACTOR_REQUIRED_ROLES")
    assert _two_factor_roles(("coordinator", "admin")) == ("coordinator", "admin")
