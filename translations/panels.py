"""The dashboard panel: per language, how many items are missing a translation or have one
that is out of date, with links to the lists filtered that way and to the export."""

from django.urls import NoReverseMatch, reverse

from reportsite.translated_content import other_languages

from .status import CURRENT, MISSING, OUT_OF_DATE, statuses, translated_models


def translation_panel(request):
    if not request.user.has_perm("translations.exchange_translations"):
        return None
    counts = {code: {MISSING: 0, OUT_OF_DATE: 0, CURRENT: 0} for code, _name in other_languages()}
    for model in translated_models():
        meta = model._meta
        if not request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            continue
        for status in statuses(model._default_manager.all()).values():
            for code in counts:
                counts[code][status.state(code)] += 1
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
