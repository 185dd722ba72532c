"""The web layer of Committee Portal. `create_app()` reads as a table of contents."""
from __future__ import annotations

from flask import Flask

from config import BASE_DIR, INSTANCE_DIR, config_class


def create_app(config: str | None = None, **overrides) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    cls = config_class(config)
    app.config.from_object(cls)
    app.config.update(overrides)
    cls.finalise(app.config)

    from portal import auth, errors, extensions_setup, i18n, mailer, security, templating
    from portal import cli

    extensions_setup.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    templating.init_app(app)
    mailer.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    register_blueprints(app)
    return app


def register_blueprints(app: Flask) -> None:
    from portal.admin import bp as admin_bp
    from portal.auth import bp as auth_bp
    from portal.bodies import bp as bodies_bp
    from portal.main import bp as main_bp
    from portal.meetings import bp as meetings_bp
    from portal.people import bp as people_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(bodies_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(meetings_bp)
