"""The admin lockout's authentication backend.

django-axes refuses any authenticate() call that carries no request, because it cannot
tell who is knocking. Only code calls it that way (Django's test client `login()`, a shell
session); every login over HTTP, the admin's included, passes its request and is checked.
So calls without a request pass through to the next backend instead of raising.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
