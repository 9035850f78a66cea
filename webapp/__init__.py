"""Buurtplek: find a place to meet your neighbours, and start something there."""
from __future__ import annotations

import importlib
import logging

from flask import Flask

from webapp.config import Config

# Domain packages, in dependency order. Each has a `blueprint.py` with `bp` (and optionally
# `api_bp`) and may have `cli.py` with `register(app)`.
DOMAINS = ["areas", "accounts", "mail", "places", "stewardship", "initiatives", "saved", "grants", "insight", "site"]


def create_app(config: Config | None = None) -> Flask:
    app = Flask(__name__)
    from webapp import converters

    converters.init_app(app)  # bounded <int:...> in every rule: before any blueprint registers
    app.config.from_mapping(vars(config or Config()))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from webapp import errors, i18n, security, static_files
    from webapp.extensions import babel, csrf, db, init_db, limiter, login_manager, migrate

    init_db(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, default_translation_directories="translations")
    errors.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    static_files.init_app(app)
    if app.config.get("PROXY_FIX_X_FOR"):
        # Behind N reverse proxies: the client's address is the Nth from the right in X-Forwarded-For.
        # Without it the header is ignored (anyone can write it), so rate limits key on the real peer.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to add WSGI middleware
            app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]))

    from webapp import core, demo

    app.register_blueprint(core.bp)
    demo.register(app)
    for name in DOMAINS:
        _register_domain(app, name)
    from webapp import replica

    replica.init_app(app)  # after every blueprint: it knows the read-only endpoints by name
    return app


# Which of models/blueprint/cli/demo each domain has: imported directly, so a missing module fails loudly.
DOMAIN_MODULES = {
    "areas": ("models", "cli"),
    "accounts": ("models", "blueprint", "cli", "demo"),
    "mail": ("models", "blueprint", "cli"),
    "places": ("models", "blueprint", "cli", "demo"),
    "stewardship": ("models", "blueprint", "demo"),
    "initiatives": ("models", "blueprint", "cli", "demo"),
    "saved": ("models", "blueprint", "demo"),
    "grants": ("models", "blueprint", "cli", "demo"),
    "insight": ("models", "blueprint", "cli", "demo"),
    "site": ("blueprint",),
}


def _register_domain(app: Flask, name: str) -> None:
    """Import a domain's models, then register its blueprints and CLI commands."""
    parts = DOMAIN_MODULES[name]
    importlib.import_module(f"webapp.{name}.models")
    if "blueprint" in parts:
        blueprint = importlib.import_module(f"webapp.{name}.blueprint")
        app.register_blueprint(blueprint.bp)
        if hasattr(blueprint, "api_bp"):
            app.register_blueprint(blueprint.api_bp)
    if "cli" in parts:
        importlib.import_module(f"webapp.{name}.cli").register(app)
