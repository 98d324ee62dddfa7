"""The kinds of content the editorial core serves, as their apps register them.

The core never imports a content app: a content app tells it, in `AppConfig.ready()`,
what each of its draftable models is::

    from editorial import registry

    registry.register(
        Publication,
        segment="publication",           # its preview address: /preview/publication/<pk>/
        preview=views.preview_publication,  # (request, item with draft, banner) -> response
        label="Publication",             # how the dashboard names it
    )

Rows that belong to an item but are edited in place rather than drafted (an edition
version's figures, whose alt texts editors fix) may carry files: list their models as
`file_rows`, and a file saved on such a row follows the item's state like its own.

The model itself mixes in `editorial.models.DraftStateMixin` (drafts, hooks); the system
check `editorial.E001`-`E004` (editorial.checks) refuses a wrong combination.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    model: type
    segment: str
    preview: Callable
    label: str
    file_rows: tuple = ()

    @property
    def opts(self):
        return self.model._meta

    def permission(self, action):
        """The permission an action needs: "publish" is the model's own publish permission
        when it declares one (Meta.permissions), else the right to change it."""
        if action == "publish":
            codename = f"publish_{self.opts.model_name}"
            if codename not in {name for name, _label in self.opts.permissions}:
                action = "change"
        return f"{self.opts.app_label}.{action}_{self.opts.model_name}"


_kinds = {}


def register(model, *, segment, preview, label=None, file_rows=()):
    """Declare `model` (a DraftStateMixin subclass) as draftable content: its history is
    kept, its files follow its state and its share links die with it (editorial.signals)."""
    from . import history, signals

    label = label or str(model._meta.verbose_name).capitalize()
    _kinds[model] = Kind(model, segment, preview, label, tuple(file_rows))
    history.register_model(model)
    signals.connect(model, file_rows)
    return model


def kinds():
    return list(_kinds.values())


def kind_of(model_or_obj):
    """The Kind of a registered model (or of an instance of one), or None."""
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return _kinds.get(model) or _kinds.get(getattr(model._meta, "concrete_model", model))


def by_segment(segment):
    return next((kind for kind in _kinds.values() if kind.segment == segment), None)


def is_registered(model):
    return kind_of(model) is not None
