"""Flask extensions, created unbound; create_app() binds them."""
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from committees.db import db
from portal.net import client_address

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=client_address, default_limits=[])

__all__ = ["babel", "bootstrap", "csrf", "db", "limiter", "login_manager"]
