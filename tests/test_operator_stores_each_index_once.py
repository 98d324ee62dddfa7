"""Every insert updates every index of its table, so an index that another one already
covers (its columns are the other's first ones) costs each write and serves no read: the
consent chain's append, a launch's hot path, paid for one on consent records' time."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


VENV = Path(settings.BASE_DIR) / ".venv"


def ours(model):
    path = Path(model._meta.app_config.path)
    return path.is_relative_to(settings.BASE_DIR) and not path.is_relative_to(VENV)


def redundant_indexes():
    """(table, index, the index that covers it) for every plain index of this project's
    models whose columns begin another index of the same table (Django's and other
    libraries' tables are theirs to keep). Unique ones are kept: they are constraints."""
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if not ours(model):
                continue
            table = model._meta.db_table
            constraints = connection.introspection.get_constraints(cursor, table)
            indexes = {
                name: tuple(info["columns"])
                for name, info in constraints.items()
                if info["index"] and info["columns"] and None not in info["columns"]
                # PostgreSQL's "_like" index of a text column is another operator class
                # (for LIKE 'x%'), not a repeat of the column's index.
                and not name.endswith("_like")
            }
            for name, columns in indexes.items():
                if constraints[name]["unique"] or constraints[name]["primary_key"]:
                    continue
                for other, other_columns in indexes.items():
                    if other != name and other_columns[: len(columns)] == columns and (
                        len(other_columns) > len(columns) or other < name
                    ):
                        found.append((table, name, other))
                        break
    return found


def test_no_index_repeats_the_first_columns_of_another():
    assert redundant_indexes() == []
