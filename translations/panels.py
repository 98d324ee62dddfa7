"""The dashboard panel: per language, how many items (of every source of units: translated
fields, and the parts of the web edition) are missing a translation or have one that is out
of date, with links to the export."""

from django.urls import NoReverseMatch, reverse

from reportsite.translated_content import other_languages

from .exchange import sources
from .status import CURRENT, MISSING, OUT_OF_DATE


def translation_panel(request):
    if not request.user.has_perm("translations.exchange_translations"):
        return None
    counts = {code: {MISSING: 0, OUT_OF_DATE: 0, CURRENT: 0} for code, _name in other_languages()}
    for source in sources():
        for code, states in source.status_counts(request.user).items():
            for state, number in states.items():
                counts[code][state] += number
    try:
        exchange_url = reverse("admin:translations_translationsource_changelist")
    except NoReverseMatch:
        return None
    rows = [
        {"code": code, "name": name, "missing": counts[code][MISSING],
         "out_of_date": counts[code][OUT_OF_DATE], "current": counts[code][CURRENT],
         "export_url": f"{exchange_url}?language={code}"}
        for code, name in other_languages()
    ]
    return {"template": "admin/translations/dashboard_panel.html", "rows": rows, "exchange_url": exchange_url}
