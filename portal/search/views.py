"""The search page: GET /search?q=&kind=&committee=&year=&page= — what the reader may see, best first, the
matching passage highlighted, with counts per kind. Bad input (too long, a choice not offered, a bad page) is a
400 with the form as typed; a query of punctuation only finds nothing. Three queries for the form's choices and
three for the results, whatever a page shows."""
from __future__ import annotations

from flask import render_template, request, url_for

from committees import search as domain
from committees.errors import DomainError
from portal.forms import apply_domain_error
from portal.loaders import user
from portal.minutes.forms import reader_zone
from portal.paging import page_args
from portal.search import bp
from portal.search.forms import KIND_LABELS, SearchForm


def hit_url(hit: domain.Hit) -> str:
    return url_for(hit.link.endpoint, **hit.link.values, _anchor=hit.link.anchor)


@bp.route("/search")
def search():
    page, per_page = page_args(domain.PER_PAGE, domain.MAX_PER_PAGE)
    zone = reader_zone()
    form = SearchForm(request.args).fill_choices(user(), zone)
    results, status = None, 200
    if not form.validate():
        status = 400
    elif form.q.data:
        try:
            results = domain.search(user(), **form.wanted(), page=page, per_page=per_page, zone=zone)
        except DomainError as error:
            apply_domain_error(form, error, default_field="q")
            status = 400
    return render_template("search/search.html", form=form, results=results, kind_labels=KIND_LABELS,
                           hit_url=hit_url, filter_args=form.url_args()), status
