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

    from portal import assets, audit_hooks, auth, compression, errors, extensions_setup, fast_options, i18n
    from portal import cli, mailer, security, templating

    fast_options.install()
    compression.init_app(app)  # registered first, so its after-request hook runs last, on the final body
    extensions_setup.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    audit_hooks.init_app(app)
    templating.init_app(app)
    mailer.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    register_blueprints(app)
    return app


def register_blueprints(app: Flask) -> None:
    from portal.actions import bp as actions_bp
    from portal.admin import bp as admin_bp
    from portal.auth import bp as auth_bp
    from portal.bodies import bp as bodies_bp
    from portal.main import bp as main_bp
    from portal.meetings import bp as meetings_bp
    from portal.minutes import bp as minutes_bp
    from portal.people import bp as people_bp
    from portal.proposals import bp as proposals_bp
    from portal.search import bp as search_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(bodies_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(minutes_bp)
    app.register_blueprint(actions_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(search_bp)
    from portal.api import init_app as init_api

    init_api(app)
