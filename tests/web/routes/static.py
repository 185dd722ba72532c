"""Static files (ours and Bootstrap's, served locally).

Expected per role: everyone 200 for a file that exists, everyone 404 for one that does not or that
tries to climb out of the folder.
"""
from tests.web.routes import const, everyone, get

EXPECTATIONS = [
    get("static", const("/static/css/portal.css"), everyone(200)),
    get("static", const("/static/css/missing.css"), everyone(404), label="missing"),
    get("static", const("/static/..%2fconfig.py"), everyone(404), label="traversal"),
    get("bootstrap.static", const("/bootstrap/static/css/bootstrap.min.css"), everyone(200)),
    get("bootstrap.static", const("/bootstrap/static/../__init__.py"), everyone(404), label="traversal"),
]
