"""The purposes and first cookie policy the site launches with (../shared/seed-content.md).

Loaded by a data migration, so every fresh database has them; `load_consent_seed` never
overwrites what editors changed later. The purposes' texts are stored in English and marked
for the interface's catalogues: visitors read them in their language while they are
unchanged (consent.state.purpose_name).
"""

import datetime

from django.apps import apps as global_apps
from django.utils.translation import gettext_noop

PURPOSES = [
    {
        "slug": "functional",
        "name": gettext_noop("Functional"),
        "description": gettext_noop("Always on: the site cannot work without it."),
        "required": True,
        "order": 10,
    },
    {
        "slug": "embeds",
        "name": gettext_noop("Embedded external content"),
        "description": gettext_noop("Videos and other content hosted by third parties."),
        "required": False,
        "order": 20,
    },
    {
        "slug": "analytics",
        "name": gettext_noop("Analytics"),
        "description": gettext_noop("Anonymous statistics on how the site is used."),
        "required": False,
        "order": 30,
    },
]

# The cookie policy, paragraph by paragraph: each is in the interface's catalogues, so that
# visitors read the seeded policy in their language (consent.templatetags.consent).
POLICY_PARAGRAPHS = [
    gettext_noop(
        "This page explains which cookies and personal data the website of the International "
        "AI Safety Report uses, why, and how you control them. Nothing optional is used until "
        "you say yes, and you can change your mind at any time with the “Cookie settings” "
        "link at the bottom of every page."
    ),
    gettext_noop(
        "Functional (always on). When you make a choice, we store it in a first-party cookie "
        "named “consent”: a random consent id, the version of this policy, your choice for "
        "each purpose and the time. The cookie is signed so that it cannot be forged, is "
        "never shared with other sites and expires after twelve months, after which we ask "
        "you again. We also ask again whenever this policy changes."
    ),
    gettext_noop(
        "Embedded external content (optional). Some publications include a video hosted by "
        "YouTube or Vimeo. Until you allow it, we show a placeholder instead, and nothing is "
        "loaded from those services. If you load a video, the provider receives your IP "
        "address and information about your browser, and may set its own cookies; its privacy "
        "policy then applies. We use YouTube’s privacy-enhanced mode and ask Vimeo not to "
        "track you."
    ),
    gettext_noop(
        "Analytics (optional). If you allow it, we count visits with a privacy-respecting "
        "statistics tool that we configure not to build profiles of you. The statistics are "
        "anonymous and are used only to improve the site."
    ),
    gettext_noop(
        "Global Privacy Control. If your browser sends a Global Privacy Control signal, we "
        "treat it as a refusal of every optional purpose unless you tell us otherwise."
    ),
    gettext_noop(
        "Proof of consent. The law requires us to be able to prove what you agreed to. Each "
        "time you make a choice, we keep a record of it: your consent id, the time, the "
        "policy version, your choice for each purpose, whether a Global Privacy Control "
        "signal was present, the page you were on, a shortened description of your browser, a "
        "fingerprint of the exact texts you were shown, and a keyed hash of your shortened IP "
        "address (never the address itself). These records are protected against alteration "
        "and deleted one year after your consent expires. The cookie settings section below "
        "shows your consent id and your own decisions."
    ),
    gettext_noop(
        "Your rights. You may withdraw your consent at any time, as easily as you gave it, "
        "and ask us for access to, or erasure of, the records about your consent id."
    ),
]
POLICY_TEXT = "\n\n".join(POLICY_PARAGRAPHS) + "\n"


def load_consent_seed(apps=global_apps):
    Purpose = apps.get_model("consent", "Purpose")
    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    for fields in PURPOSES:
        Purpose.objects.get_or_create(slug=fields["slug"], defaults=fields)
    if not PolicyVersion.objects.exists():
        PolicyVersion.objects.create(
            number=1, effective_date=datetime.date(2025, 11, 27), text=POLICY_TEXT
        )
