"""Configuration classes per environment. Every secret comes from the environment.

Choose the class with PORTAL_ENV (development, testing, production); development is the default.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str | None) -> str:
    """Normalise DATABASE_URL: plain postgresql:// URLs use psycopg 3."""
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'portal.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _engine_options(url: str) -> dict:
    if url.startswith("postgresql"):
        connect_timeout = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
        statement_ms = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "10000"))
        return {
            "pool_pre_ping": True,
            "connect_args": {
                "connect_timeout": connect_timeout,
                "options": f"-c statement_timeout={statement_ms}",
            },
        }
    return {"connect_args": {"timeout": 5}}


# Names accepted in TWO_FACTOR_REQUIRED_ROLES -> the global role values (committees.models.GlobalRole) they mean.
# "member" (no global role) rather than the stored value "none", which reads like "nobody".
TWO_FACTOR_ROLE_NAMES = {"member": "none", "coordinator": "coordinator", "admin": "admin"}


def _two_factor_roles(default: tuple[str, ...]) -> tuple[str, ...] | str:
    """TWO_FACTOR_REQUIRED_ROLES from the environment (comma-separated names; empty for nobody), else `default`.
    Checked and turned into role values by Config.finalise."""
    value = os.environ.get("TWO_FACTOR_REQUIRED_ROLES")
    return default if value is None else value


def two_factor_required_roles(value) -> tuple[str, ...]:
    """The global role values that must use two-step sign-in; refuses a name it does not know, so that a typo
    cannot silently leave coordinators or admins without their second factor."""
    names = value.split(",") if isinstance(value, str) else list(value or ())
    names = [str(n).strip().lower() for n in names if str(n).strip()]
    unknown = sorted(set(names) - set(TWO_FACTOR_ROLE_NAMES))
    if unknown:
        raise RuntimeError(f"TWO_FACTOR_REQUIRED_ROLES: unknown role name(s) {', '.join(unknown)}; use member, "
                           "coordinator and/or admin, comma-separated (or nothing for nobody).")
    return tuple(dict.fromkeys(TWO_FACTOR_ROLE_NAMES[n] for n in names))


def _trusted_hosts() -> list[str] | None:
    value = os.environ.get("TRUSTED_HOSTS")
    if value is None:
        return None
    return [h.strip() for h in value.split(",") if h.strip()]


class Config:
    ENV_NAME = "base"
    PORTAL_NAME = os.environ.get("PORTAL_NAME", "ACCMR Portal")
    PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    DEFAULT_TIMEZONE = os.environ.get("PORTAL_TIMEZONE", "Europe/Athens")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = DEFAULT_TIMEZONE
    LANGUAGES = {"en": "English", "el": "Ελληνικά", "ar": "العربية"}
    RTL_LANGUAGES = {"ar", "fa", "ur", "he"}

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = _engine_options(SQLALCHEMY_DATABASE_URI)
    REDIS_URL = os.environ.get("REDIS_URL") or None
    TRUSTED_HOSTS = _trusted_hosts()
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))

    # Sessions: server-side login sessions (see committees/services/sessions.py).
    SESSION_COOKIE_NAME = "portal_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_NAME = "portal_remember"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION_DAYS = 14
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", str(14 * 24)))

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    WTF_I18N_ENABLED = True
    MAX_DOCUMENT_BYTES = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
    MAX_CONTENT_LENGTH = MAX_DOCUMENT_BYTES + 1024 * 1024  # the form around the file

    BOOTSTRAP_SERVE_LOCAL = True

    # Rate limits (Flask-Limiter); Redis when REDIS_URL is set, else memory.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes;10 per day"
    LOGIN_LIMIT_PER_ADDRESS = "30 per 15 minutes;200 per day"
    TOKEN_LIMIT_PER_ADDRESS = "10 per 15 minutes;50 per day"

    # Two-step sign-in (TOTP): global roles that must use it (member, coordinator, admin); everyone may.
    # Production: coordinators and admins unless TWO_FACTOR_REQUIRED_ROLES says otherwise.
    TWO_FACTOR_REQUIRED_ROLES = _two_factor_roles(())

    # Mail: everything goes through the outbox table; `flask mail send` delivers it.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "portal@localhost")
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "5"))
    SHOW_OUTBOX = False

    REMINDER_HOURS_BEFORE = int(os.environ.get("REMINDER_HOURS_BEFORE", "48"))
    DOCUMENTS_DIR = os.environ.get("DOCUMENTS_DIR") or None  # default: documents in the database
    INVITATION_DAYS = 7
    RESET_HOURS = 2

    # argon2id, OWASP ASVS 5.0 appendix: m >= 19 MiB, t >= 2.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_KIB = 19456
    ARGON2_PARALLELISM = 1

    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "committee-demo-2026")

    @classmethod
    def finalise(cls, config: dict) -> None:
        """Hook run by create_app() after overrides; may refuse unsafe settings."""
        config["TWO_FACTOR_REQUIRED_ROLES"] = two_factor_required_roles(config.get("TWO_FACTOR_REQUIRED_ROLES"))
        if config.get("SQLALCHEMY_ENGINE_OPTIONS") is cls.SQLALCHEMY_ENGINE_OPTIONS:
            # The database URL may have been overridden: derive the engine options from the final one.
            config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(config["SQLALCHEMY_DATABASE_URI"])


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False
    SHOW_OUTBOX = True
    TRUSTED_HOSTS = _trusted_hosts() or ["127.0.0.1", "localhost", "[::1]"]

    @classmethod
    def finalise(cls, config: dict) -> None:
        super().finalise(config)
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _instance_secret()


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"
    SHOW_OUTBOX = True
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL") or "sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS = _engine_options(SQLALCHEMY_DATABASE_URI)
    RATELIMIT_STORAGE_URI = "memory://"
    TRUSTED_HOSTS = ["localhost", "127.0.0.1"]
    PORTAL_BASE_URL = "http://portal.test"
    TWO_FACTOR_REQUIRED_ROLES = ()  # tests sign in with a password; they set the roles where they need them
    # Thousands of sign-ins per run: the cheapest argon2id (about 0.03 ms a check instead of 20 ms). The production
    # parameters are the base class's; tests/web/test_accounts.py proves a change of parameters rehashes on login.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_KIB = 8


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEBUG = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    TWO_FACTOR_REQUIRED_ROLES = _two_factor_roles(("coordinator", "admin"))

    @classmethod
    def finalise(cls, config: dict) -> None:
        super().finalise(config)
        key = config.get("SECRET_KEY")
        # Long, not the testing key, and not a placeholder like "x" * 40 (too few distinct characters).
        if not isinstance(key, str) or len(key) < 32 or len(set(key)) < 10 or key == TestingConfig.SECRET_KEY:
            raise RuntimeError("Production needs SECRET_KEY (at least 32 random characters) in the environment.")
        if config.get("DEBUG") or config.get("TESTING") or _env_bool("FLASK_DEBUG"):
            raise RuntimeError("Production refuses DEBUG (and TESTING, and FLASK_DEBUG).")
        if not config.get("TRUSTED_HOSTS"):
            raise RuntimeError("Production needs TRUSTED_HOSTS (comma-separated host names).")
        if not (config.get("SESSION_COOKIE_SECURE") and config.get("REMEMBER_COOKIE_SECURE")):
            raise RuntimeError("Production sends cookies over HTTPS only (SESSION/REMEMBER_COOKIE_SECURE).")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class(name: str | None = None) -> type[Config]:
    name = (name or os.environ.get("PORTAL_ENV") or "development").lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown PORTAL_ENV {name!r}; use one of {', '.join(CONFIGS)}") from None


def _instance_secret() -> str:
    path = INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
