"""Translators' own tools pass the catalogues: gettext's `msgfmt --check` (what every
translation platform runs before it compiles a catalogue) and translate-toolkit's `pofilter`,
with the checks that matter for this site. A finding that is right for its language (Chinese
full-width brackets, the plural forms Django uses) is allowed only where
locale/pofilter-allowlist.toml names the unit and says why.

Both tools come with `make test`: gettext from Debian (installed by .ci/run), pofilter from
requirements-dev.txt (translate-toolkit).
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ["fr", "es", "ru", "zh_Hans", "ar"]
# The project's catalogue, and the apps' own (the web edition keeps its strings in editions/).
CATALOGUES = [
    pytest.param(root / "locale" / language / "LC_MESSAGES" / "django.po", language, id=f"{root.name}-{language}")
    for root in (ROOT, ROOT / "editions")
    for language in LANGUAGES
]
POFILTER = Path(sys.executable).with_name("pofilter")
ALLOWLIST = ROOT / "locale" / "pofilter-allowlist.toml"
# Everything that can break a page or change a meaning. Left out: quotation marks and
# leading punctuation (each language has its own: « », „ “, 「」), spelling (no dictionaries
# here), and the heuristics about length and capitals.
CHECKS = [
    "blank", "brackets", "doublespacing", "doublewords", "emails", "endpunc", "endwhitespace",
    "escapes", "isfuzzy", "newlines", "nplurals", "numbers", "printf", "puncspacing",
    "pythonbraceformat", "startwhitespace", "tabs", "untranslated", "urls", "variables",
    "xmltags",
]


@pytest.mark.parametrize("path, language", CATALOGUES)
def test_msgfmt_checks_every_catalogue_without_a_warning(path, language):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is missing: apt-get install gettext (.ci/run does)"
    result = subprocess.run(
        [msgfmt, "--check", "--output-file=/dev/null", str(path)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def pofilter_findings(path, language, tmp_path):
    """{(check, msgctxt, msgid)} that pofilter reports for the catalogue at `path`."""
    out = tmp_path / f"{language}.po"
    args = [str(POFILTER), "--progress=none", f"--language={language.split('_')[0]}"]
    for check in CHECKS:
        args += ["-t", check]
    result = subprocess.run(args + [str(path), str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    if not out.exists():
        return set()
    findings = set()
    with open(out, "rb") as po:
        for message in read_po(po):
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            for comment in message.user_comments:
                if comment.startswith("(pofilter) "):
                    check = comment.removeprefix("(pofilter) ").split(":", 1)[0]
                    findings.add((check, message.context, msgid))
    return findings


def pofilter_findings_elsewhere(path, language, tmp_path):
    """What pofilter finds in `language`'s other catalogues (one allow-list serves them all)."""
    found = set()
    for other in CATALOGUES:
        other_path, other_language = other.values
        if other_language == language and other_path != path and other_path.exists():
            folder = tmp_path / other.id
            folder.mkdir(exist_ok=True)
            found |= pofilter_findings(other_path, language, folder)
    return found


def allowed(language):
    entries = tomllib.loads(ALLOWLIST.read_text(encoding="utf-8"))["allow"]
    for entry in entries:
        assert entry.get("reason", "").strip(), f"allow-list entry without a reason: {entry}"
    return {
        (entry["check"], entry.get("msgctxt"), entry["msgid"])
        for entry in entries
        if language in entry["languages"]
    }


@pytest.mark.parametrize("path, language", CATALOGUES)
def test_pofilter_finds_nothing_that_is_not_justified(path, language, tmp_path):
    found = pofilter_findings(path, language, tmp_path)
    permitted = allowed(language)
    unexplained = sorted(found - permitted, key=str)
    assert not unexplained, (
        f"pofilter reports in {path.relative_to(ROOT)} (fix the translation, or justify it in "
        f"{ALLOWLIST.name}):\n" + "\n".join(map(repr, unexplained))
    )
    # An entry that no longer matches anything is removed, so the list stays a true account.
    stale = sorted(permitted - found - pofilter_findings_elsewhere(path, language, tmp_path), key=str)
    assert not stale, f"{ALLOWLIST.name} allows what pofilter no longer finds: {stale}"


def test_pofilter_catches_a_broken_placeholder(tmp_path):
    """The check above would pass vacuously if pofilter never reported anything."""
    broken = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n\n'
        '#, python-format\nmsgid "%(count)s pages"\nmsgstr "%(nombre)s pages"\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [str(POFILTER), "--progress=none", "-t", "printf", str(broken / "django.po"), str(tmp_path / "out.po")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "(pofilter) printf" in (tmp_path / "out.po").read_text(encoding="utf-8")
