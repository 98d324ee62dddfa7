"""Public views of the consent app: the consent endpoint and the privacy (cookie policy) page."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import is_same_domain, url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from reportsite import pagecache

from . import decisions, notice
from .models import ConsentRecord, SitePurpose
from .state import (
    decided_variant,
    delete_cookie,
    fingerprint,
    get_state,
    max_age_seconds,
    purpose_name,
    set_cookie,
    shown_texts,
)

SAFE_FETCH_SITES = {"same-origin", "none"}


def same_site_path(request, url):
    """`url` when it is a path on this site, else the home page (never an open redirect)."""
    if (
        url
        and url.startswith("/")
        # Control characters (NUL above all, which PostgreSQL cannot store) are no path.
        and url.isprintable()
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return "/"


def cross_site_reason(request):
    """Why a POST is not provably from this site's own pages, or "" when it is."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if fetch_site is None and origin is None:
        return gettext(
            "This request could not be verified as coming from this site (the browser sent "
            "neither an Origin nor a Sec-Fetch-Site header). Please use the site's own form."
        )
    if fetch_site is not None and fetch_site.strip().lower() not in SAFE_FETCH_SITES:
        return gettext("Cross-site requests cannot change your cookie choices.")
    if origin is not None and not _trusted_origin(request, origin.strip().rstrip("/")):
        return gettext("Cross-site requests cannot change your cookie choices.")
    return ""


def _trusted_origin(request, origin):
    """This site's own origin, or one of CSRF_TRUSTED_ORIGINS (wildcards as Django reads them)."""
    if origin == f"{request.scheme}://{request.get_host()}":
        return True
    parsed = urlsplit(origin)
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        if "*" not in trusted:
            if origin == trusted.rstrip("/"):
                return True
            continue
        pattern = urlsplit(trusted)
        if parsed.scheme == pattern.scheme and is_same_domain(
            parsed.netloc, pattern.netloc.lstrip("*")
        ):
            return True
    return False


def _wants_json(request):
    return (
        "application/json" in request.headers.get("Accept", "")
        or request.content_type == "application/json"
    )


def _refuse(request, status, message):
    if _wants_json(request):
        response = JsonResponse(
            {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = render(
            request, "consent/error.html", {"message": message}, status=status
        )
    add_never_cache_headers(response)
    return response


@csrf_exempt
def decide(request):
    """Record a visitor's decision (form post or JSON) and set their consent cookie.

    Cross-site request forgery: pages showing the banner are cached and shared between
    visitors (one copy per `consent.state.page_variant`), so the banner's form cannot carry
    Django's per-visitor CSRF token. django-cookie-consent met the same conflict (its issue
    #49, "Not compatible with page cache") by making its accept/decline views
    `csrf_exempt` and fetching state and a token by XHR, which leaves the forms that work
    without JavaScript unprotected. Instead this view is exempt from the token check only
    and verifies where the request comes from, as the OWASP CSRF cheat sheet describes for
    Fetch Metadata and Origin checks: `Sec-Fetch-Site` must be `same-origin` (or `none`, a
    user-initiated request) and `Origin`, when sent, must be this site's own origin or one
    in CSRF_TRUSTED_ORIGINS. Browsers send at least one of them on every POST and scripts on
    other sites cannot forge them, so a request with neither, or a cross-site one, gets a
    403 and records nothing. The cookie this view sets is SameSite=Lax as a second layer.
    """
    if request.method != "POST":
        response = _refuse(request, 405, gettext("Send your cookie choices with a POST request."))
        response["Allow"] = "POST"
        return response
    reason = cross_site_reason(request)
    if reason:
        return _refuse(request, 403, reason)
    # Counted after the origin check: another site cannot use its visitors' browsers to
    # spend a network's allowance.
    wait = decisions.wait_before_next(request)
    if wait:
        response = _refuse(
            request,
            429,
            ngettext(
                "Too many cookie choices were sent from your network in a short time, so "
                "this one was not saved. Please try again in %(seconds)s second.",
                "Too many cookie choices were sent from your network in a short time, so "
                "this one was not saved. Please try again in %(seconds)s seconds.",
                wait,
            )
            % {"seconds": wait},
        )
        response["Retry-After"] = str(wait)
        return response
    state = get_state(request)
    if state.forged_cookie:
        response = _refuse(
            request,
            400,
            gettext(
                "Your consent cookie was not issued by this site, so it has been "
                "removed. Please make your choice again."
            ),
        )
        delete_cookie(response)
        return response
    if state.version is None:
        return _refuse(
            request,
            409,
            gettext("No cookie policy is published yet, so no choice can be recorded."),
        )
    try:
        action, given, next_url, shown = decisions.parse(request)
        choices, recorded_action = decisions.decide(state, action, given)
        path = same_site_path(request, next_url)
        entry = decisions.record(request, state, choices, recorded_action, path, shown)
    except decisions.BadDecision as error:
        return _refuse(request, error.status, error.message)

    previous = (state.cookie or {}).get("c", {})
    # Something allowed before is now refused: code already running in the page (analytics,
    # players) must go, which only a reload guarantees.
    reload = any(previous.get(slug) and not on for slug, on in choices.items())
    if _wants_json(request):
        response = JsonResponse(
            {
                "message": gettext("Your choices have been saved."),
                # What was saved, line by line, for the confirmation shown in place.
                "saved": notice.saved_lines(state, choices),
                "consent_id": str(entry.consent_id),
                "policy_version": entry.policy_version,
                "action": entry.action,
                "choices": choices,
                "reload": reload,
                "analytics": (
                    decisions.analytics_script() if choices.get(SitePurpose.ANALYTICS) else None
                ),
                "embeds": bool(choices.get(SitePurpose.EMBEDS)),
                # The texts a decided visitor is shown (no GPC note), for later posts.
                "shown": fingerprint(shown_texts(state.purposes, False)),
            }
        )
    else:
        response = HttpResponseRedirect(path, status=303)
    if reload or not _wants_json(request):
        # The next page confirms the decision (consent.notice); in place, consent.js does.
        notice.set_cookie(response)
    set_cookie(response, entry.consent_id, entry.policy_version, choices)
    # Beside the signed cookie, the unsigned one that names the visitor's page variant for
    # the front server (nginx cannot read signed cookies); pages still come from the
    # signed one, which the app checks on every request (reportsite.pagecache).
    variants = pagecache.variants_with(
        request, consent=decided_variant(state.version, state.purposes, choices)
    )
    pagecache.set_variant_cookie(response, request, variants, max_age=max_age_seconds())
    add_never_cache_headers(response)
    return response


@never_cache
@require_safe
def policy(request):
    """The cookie policy, the visitor's settings, their consent id and their own history."""
    state = get_state(request)
    history = []
    if state.consent_id:
        names = {purpose.slug: purpose_name(purpose) for purpose in state.purposes}
        for entry in ConsentRecord.objects.filter(consent_id=state.consent_id)[:100]:
            entry.named_choices = [(names.get(slug, slug), on) for slug, on in entry.choices.items()]
            history.append(entry)
    return render(
        request,
        "consent/policy.html",
        {
            "state": state,
            "policy": state.version,
            "history": history,
            # Without JavaScript, a decision made here comes back here unless the banner
            # sent the visitor from another page.
            "next": same_site_path(request, request.GET.get("next", "") or request.path),
        },
    )
