"""What the accessibility tests check in a page: axe-core's rules, and, as JavaScript for
Playwright's `evaluate`, what axe does not check (docs/accessibility.md): the cookie banner
must never cover what has focus, fit a 400 % zoom, and no label may overflow its button."""

import functools

from axe_playwright_python.sync_playwright import Axe


@functools.cache
def _axe():
    return Axe()  # reads axe-core's script once per test process


def axe_violations(page):
    """What axe-core finds wrong in the page as it is now: the rule, its help text and the
    first three elements that break it, for each rule broken."""
    found = _axe().run(page).response["violations"]
    return [(v["id"], v["help"], [node["html"][:160] for node in v["nodes"][:3]]) for v in found]


def assert_axe_clean(page, where=None):
    """No axe-core violation in the page as it is now; the failure names the page (or
    `where`) and each rule broken."""
    page.wait_for_load_state("load")
    violations = axe_violations(page)
    assert not violations, (where or page.url, violations)


# The element that has focus, when any part of its box is under the cookie banner (which
# it is not inside): a short description of it; else null.
FOCUS_COVERED_BY_BANNER = """() => {
  const banner = document.querySelector("[data-consent-banner]");
  const element = document.activeElement;
  if (!banner || !element || element === document.body || banner.contains(element)) return null;
  element.setAttribute("data-seen", "");
  const a = element.getBoundingClientRect(), b = banner.getBoundingClientRect();
  const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  if (width <= 0 || height <= 0) return null;
  return `${element.tagName} “${(element.innerText || element.getAttribute("aria-label") || element.name || "").trim().slice(0, 60)}” `
    + `at ${Math.round(a.top)}–${Math.round(a.bottom)}, banner ${Math.round(b.top)}–${Math.round(b.bottom)}`;
}"""

# Every element Tab can reach: visible, enabled, outside closed dialogs.
FOCUSABLE = """() => [...document.querySelectorAll(
  "a[href], button, input:not([type=hidden]), select, textarea, iframe, [tabindex]:not([tabindex='-1'])"
)].filter(el => !el.disabled && el.getClientRects().length && getComputedStyle(el).visibility !== "hidden"
  && !el.closest("dialog:not([open])"))"""

NOT_REACHED = FOCUSABLE + """.filter(el => !el.hasAttribute("data-seen") && !el.closest("[data-consent-banner]"))
  .map(el => el.outerHTML.slice(0, 120))"""

HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"

# Buttons (and links that look like one) whose label does not fit inside their box.
OVERFLOWING_LABELS = """() => [...document.querySelectorAll("button, .button, [role=button]")]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .filter(el => {
    const box = el.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(el);
    const text = range.getBoundingClientRect();
    return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1
      || text.left < box.left - 1 || text.right > box.right + 1
      || text.top < box.top - 1 || text.bottom > box.bottom + 1;
  })
  .map(el => `“${el.innerText.trim()}” (${Math.round(el.getBoundingClientRect().width)} px wide)`)"""
