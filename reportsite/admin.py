"""The admin lists of django-axes (login attempts, lockouts) and of users and groups, with
the project's safe filters.

Axes' lists have a date hierarchy, whose impossible dates would otherwise be a 500, and a
NUL character in any list's search would fail in PostgreSQL (see reportsite.adminlists).
Users' and groups' pages pass axe-core: groups and permissions are plain labelled lists
(Django's two-box filter widget gives its icons ARIA labels that a <span> may not carry),
and the times of the last login and of joining are shown, not edited (Django's date and
time inputs have no label of their own). Everything else is django-axes' and Django's own.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from .adminlists import SafeFilterAdmin

ACCESSIBLE = {"filter_horizontal": ()}

for model, base, options in (
    (AccessAttempt, AccessAttemptAdmin, {}),
    (AccessLog, AccessLogAdmin, {}),
    (AccessFailureLog, AccessFailureLogAdmin, {}),
    (User, UserAdmin, {**ACCESSIBLE, "readonly_fields": ("last_login", "date_joined")}),
    (Group, GroupAdmin, ACCESSIBLE),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, type(base.__name__, (SafeFilterAdmin, base), options))
