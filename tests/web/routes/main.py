"""main blueprint: home, health check, language choice.

Expected per role:
  GET  /          everyone 200
  GET  /healthz   everyone 200 (JSON)
  POST /language  everyone 302 (back to a local page)
"""
from tests.web.routes import const, everyone, get, post

EXPECTATIONS = [
    get("main.home", const("/"), everyone(200)),
    get("main.healthz", const("/healthz"), everyone(200)),
    post("main.set_language", const("/language"), everyone(302), data=lambda w: {"lang": "en", "next": "/"}),
]
