"""System checks: a model that says it is citable answers the hooks every format needs."""

from django.apps import apps
from django.core import checks

from .models import Citable

REQUIRED_HOOKS = ("citation_title", "citation_url", "citation_date")


@checks.register()
def citable_models_answer_the_required_hooks(app_configs=None, **kwargs):
    errors = []
    for model in apps.get_models():
        if not issubclass(model, Citable):
            continue
        for hook in REQUIRED_HOOKS:
            if getattr(model, hook) is getattr(Citable, hook):
                errors.append(
                    checks.Error(
                        f"{model._meta.label} is Citable but does not define {hook}().",
                        hint="Answer it (a part of a work may return its container's).",
                        obj=model,
                        id="citations.E001",
                    )
                )
    return errors
