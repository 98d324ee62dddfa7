"""The admin lists of django-axes (login attempts, lockouts) and of users and groups, with
the project's safe filters.

Axes' lists have a date hierarchy, whose impossible dates would otherwise be a 500, and a
NUL character in any list's search would fail in PostgreSQL (see reportsite.adminlists);
everything else is django-axes' and Django's own admin.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from .adminlists import SafeFilterAdmin

for model, base in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
    (User, UserAdmin),
    (Group, GroupAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, type(base.__name__, (SafeFilterAdmin, base), {}))
