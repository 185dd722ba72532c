"""One search box across everything the reader may see (committees/search.py), and `flask search reindex`."""
from flask import Blueprint

bp = Blueprint("search", __name__)

from portal.search import cli, views  # noqa: E402,F401
