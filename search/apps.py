from django.apps import AppConfig
from django.db.models.signals import post_migrate


def index_when_empty(**kwargs):
    """A new or upgraded site gets its index at `migrate` (apps have registered by then)."""
    from . import index
    from .models import SearchEntry

    if not SearchEntry.objects.exists():
        index.rebuild()


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Search"

    def ready(self):
        post_migrate.connect(index_when_empty, sender=self, dispatch_uid="search.index_when_empty")
