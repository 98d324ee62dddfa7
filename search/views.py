"""The search page, /search/?q=… in every language.

Page cache: the page is a `public_page` that declares the parameters it reads, but only
the bare search page (no parameter at all) is stored; a page of results is marked `private` and
never stored, so made-up queries cannot fill the cache (and each costs one cache miss
and one query of the index, nothing more).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language, gettext

from reportsite.pagecache import public_page

from . import engine, registry
from .text import clean

PARAMETERS = ["q", "kind", "year", "language", "page"]


def _address(**values):
    query = {name: value for name, value in values.items() if value and not (name == "page" and value == 1)}
    return f"?{urlencode(query)}" if query else "?"


def _filters(search):
    """Filter links with their counts; the current one marked."""
    base = {"q": search.text, "kind": search.kind, "year": search.year, "language": search.result_language}
    total = sum(count for _value, count in search.kind_counts)

    def group(name, label, counts, value_label):
        current = base[name]
        links = [{"label": gettext("All"), "count": total, "url": _address(**{**base, name: ""}), "current": not current}]
        links += [
            {"label": value_label(value), "count": count, "url": _address(**{**base, name: str(value)}),
             "current": str(value) == current}
            for value, count in counts
            if value is not None
        ]
        return {"name": name, "label": label, "links": links}

    languages = dict(settings.LANGUAGES)
    return [
        group("kind", gettext("Kind"), search.kind_counts,
              lambda value: str(getattr(registry.kind(value), "label", value))),
        group("year", gettext("Year"), search.year_counts, str),
        group("language", gettext("Language"), search.language_counts, lambda value: languages.get(value, value)),
    ]


def _bad_request(request, text, message):
    response = render(request, "search/results.html", {"query": text, "error": message}, status=400)
    response["Cache-Control"] = "private, no-cache"
    return response


@public_page(query=PARAMETERS)
def results(request):
    text = clean(request.GET.get("q", "")).strip()
    language = get_language()
    kind = request.GET.get("kind", "")
    year = request.GET.get("year", "")
    result_language = request.GET.get("language", "")
    page = request.GET.get("page", "1")
    display = text[: engine.MAX_QUERY_LENGTH]
    if kind and registry.kind(kind) is None:
        return _bad_request(request, display, gettext("There is no such kind of result."))
    if year and not (year.isascii() and year.isdigit() and len(year) == 4):
        return _bad_request(request, display, gettext("A year is written with four digits."))
    if result_language and result_language not in dict(settings.LANGUAGES):
        return _bad_request(request, display, gettext("There is no such language."))
    if not (page.isascii() and page.isdigit() and 1 <= int(page) <= 1000):
        return _bad_request(request, display, gettext("There is no such page of results."))
    if len(text) > engine.MAX_QUERY_LENGTH:
        return _bad_request(
            request, display,
            gettext("Your search is too long: use at most %(limit)s characters.") % {"limit": engine.MAX_QUERY_LENGTH},
        )
    search = engine.run(text, language, kind, year, result_language, int(page))
    if search.page > search.pages:
        return _bad_request(request, display, gettext("There is no such page of results."))
    base = {"q": text, "kind": kind, "year": year, "language": result_language}
    context = {
        "query": text,
        "search": search,
        "filters": _filters(search) if search.kind_counts else [],
        "previous_url": _address(**base, page=search.page - 1) if search.page > 1 else "",
        "next_url": _address(**base, page=search.page + 1) if search.page < search.pages else "",
        "suggestion_url": _address(q=search.suggestion) if search.suggestion else "",
        "first_number": (search.page - 1) * engine.PER_PAGE + 1,
        "page_language": language,
    }
    response = render(request, "search/results.html", context)
    if request.GET:
        # Only the bare search page is stored (see the module's docstring): any parameter,
        # even one that comes to nothing (`q=%20`, `page=1`), would be a new entry.
        response["Cache-Control"] = "private, no-cache"
    return response
