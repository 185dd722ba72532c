"""Route × role expectations for the search page (portal/search/views.py).

Everyone may search; each finds only what they may see (tests/domain/test_search_visibility.py), so every role gets
200 for a valid search, and 400 for bad input (a query over 200 characters, a kind, committee or year not offered,
a bad page), the form shown with what was typed.
"""
from tests.web.routes import const, everyone, get, signed_in

EXPECTATIONS: list = [
    get("search.search", const("/search"), everyone(200)),
    get("search.search", const("/search?q=legal+aid&kind=decision&page=2"), everyone(200), label="query"),
    get("search.search", const("/search?q=%22NEAR%28*%5E"), everyone(200), label="hostile"),
    # Finds the XSS test's marker ("'><svg onload=x>) in every marked name: highlighted, and still escaped.
    get("search.search", const("/search?q=svg+onload+x"), everyone(200), label="markup words"),
    get("search.search", const("/search?q=" + "a" * 201), everyone(400), label="too long"),
    get("search.search", const("/search?q=x&kind=meeting"), everyone(400), label="unknown kind"),
    get("search.search", const("/search?q=x&committee=999999"), everyone(400), label="unknown committee"),
    get("search.search", lambda w: f"/search?q=x&committee={w.other_committee.id}", signed_in(200, public=400),
        label="private committee"),
    get("search.search", const("/search?q=x&year=1066"), everyone(400), label="unknown year"),
    get("search.search", const("/search?q=x&page=0"), everyone(400), label="bad page"),
]
