"""The admin lists of django-axes (login attempts, lockouts), with the project's safe filters.

Its lists have a date hierarchy, whose impossible dates would otherwise be a 500 (see
reportsite.adminlists); everything else is django-axes' own admin.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from .adminlists import SafeFilterAdmin

for model, axes_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, type(axes_admin.__name__, (SafeFilterAdmin, axes_admin), {}))
