"""What a native reader of each language noticed in the review of the interface, checked on
the pages (or the strings) a visitor reads: each of these failed before the fixes."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import translation

from consent.models import ConsentRecord, PolicyVersion
from publications.models import PublicationDocument
from tests.conftest import SAME_ORIGIN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]




def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "PDF, 4.45 MB, 298 pages"),
        ("fr", "PDF, 4,45\xa0Mo, 298 pages"),
        ("es", "PDF, 4,45 MB, 298 páginas"),
        ("ru", "PDF, 4,45\xa0МБ, 298 страниц"),
        ("zh-hans", "PDF，4.45 MB，298 页"),
        ("ar", "PDF، 4.45 ميغابايت، 298 صفحة"),
    ],
)
def test_file_sizes_are_written_the_way_each_language_writes_them(language, expected):
    document = PublicationDocument(file_size=4_450_000, page_count=298)
    with translation.override(language):
        assert document.details == expected


def test_small_files_count_their_bytes_in_the_language():
    with translation.override("fr"):
        assert PublicationDocument(file_size=1, page_count=None).details == "PDF, 1\xa0octet"
        assert PublicationDocument(file_size=312_400).details == "PDF, 312\xa0ko"


def test_dates_read_naturally_in_arabic_russian_and_french(client):
    arabic = page(client, "/ar/privacy/")
    assert "27 نوفمبر 2025<" in arabic and "نوفمبر،" not in arabic
    russian = page(client, "/ru/privacy/")
    assert "2025 г.</time>" in russian and "г.." not in russian.replace("</time>", "")
    with translation.override("fr"):
        from django.utils.formats import date_format

        assert date_format(datetime.datetime(2026, 12, 3, 6, 3), "DATETIME_FORMAT") == (
            "3 décembre 2026 à 06:03"
        )
    with translation.override("ar"):
        assert date_format(datetime.datetime(2026, 12, 3, 6, 3), "DATETIME_FORMAT") == (
            "3 ديسمبر 2026، 06:03"
        )


def test_the_chinese_banner_ties_cookies_and_data_to_the_same_purposes(client):
    html = page(client, "/zh-hans/")
    assert "我们出于以下用途使用 Cookie 并处理个人数据：" in html
    assert "网站运行、嵌入的外部内容和分析" in html or "网站运行、" in html
    # No space before a full-width bracket.
    assert "网站运行<span" in html and "（始终开启）" in html


def test_arabic_says_two_with_the_dual_and_names_the_skip_link_and_about(client, make_publication):
    make_publication()
    make_publication()
    html = page(client, "/ar/publications/")
    assert "منشوران" in html and "2 منشوران" not in html
    home = page(client, "/ar/")
    assert "الانتقال إلى المحتوى الرئيسي" in home
    assert "نبذة عن التقرير" in home
    assert "(مفعّلة دائمًا)" in home


def test_the_history_names_past_decisions_not_buttons(client):
    shown = page(client, "/ru/privacy/").split('name="shown" value="')[1].split('"')[0]
    client.post("/ru/consent/", {"action": "accept", "next": "/ru/privacy/", "shown": shown}, headers=SAME_ORIGIN)
    client.post("/ru/consent/", {"action": "decline", "next": "/ru/privacy/", "shown": shown}, headers=SAME_ORIGIN)
    russian = page(client, "/ru/privacy/")
    # The button still says "Принять все"; the history says what was decided.
    assert "Приняты все" in russian and "Отзыв согласия" in russian
    french = page(client, "/fr/privacy/")
    assert "Tout accepté" in french
    assert "Mesure d’audience\xa0: refus</li>" in french and "\xa0: accord</li>" in french
    assert "\xa0: autorisé</li>" not in french
    spanish = page(client, "/es/privacy/")
    assert ": rechazada</li>" in spanish and ": permitida</li>" in spanish
    for prefix, withdrawal in [("/fr", "Retrait du consentement"), ("/es", "Retirada del consentimiento"),
                               ("/zh-hans", "撤回同意")]:
        with translation.override(prefix.strip("/")):
            assert str(ConsentRecord.Action.WITHDRAW.label) == withdrawal


def test_a_wait_of_one_second_is_singular():
    from django.utils.translation import ngettext

    message = (
        "Too many cookie choices were sent from your network in a short time, so this one was "
        "not saved. Please try again in %(seconds)s second."
    )
    plural = message.replace("second.", "seconds.")
    for language, one, many in [("fr", "1\xa0seconde.", "5\xa0secondes."), ("es", "1 segundo.", "5 segundos."),
                                ("ru", "1 секунду.", "5 секунд."), ("ar", "ثانية واحدة.", "5 ثوانٍ.")]:
        with translation.override(language):
            assert (ngettext(message, plural, 1) % {"seconds": 1}).endswith(one), language
            assert (ngettext(message, plural, 5) % {"seconds": 5}).endswith(many), language


def test_a_filtered_list_is_titled_with_the_languages_own_punctuation(client, make_publication):
    make_publication(publication_date=datetime.date(2025, 3, 1))
    french = page(client, "/fr/publications/?year=2025")
    assert "<title>Année 2025 — Publications" in french
    assert "Publications\xa0: <span" in french
    assert "Año 2025" in page(client, "/es/publications/?year=2025")
    assert "出版物：<span" in page(client, "/zh-hans/publications/?year=2025")


@pytest.mark.parametrize(
    "prefix, section",
    [("", "“Your consent”"), ("/fr", "«\xa0Votre consentement\xa0»"), ("/es", "«Su consentimiento»"),
     ("/ru", "«Ваше согласие»"), ("/zh-hans", "“您的同意”"), ("/ar", "«موافقتك»")],
)
def test_the_policy_points_to_the_section_that_shows_the_consent_id(client, prefix, section):
    html = page(client, prefix + "/privacy/")
    assert section in html


def test_the_correction_reaches_a_policy_seeded_before_it_but_not_an_edited_one():
    from consent.seed import POLICY_TEXTS, correct_seeded_policy, seeded_policy_text

    version = PolicyVersion.objects.get(number=1)
    version.text = version.text_en = seeded_policy_text("en")
    version.text_fr = seeded_policy_text("fr")
    version.text_ru = "Текст, который переписал сотрудник по защите данных."
    version.save()
    correct_seeded_policy()
    version.refresh_from_db()
    assert version.text_en == POLICY_TEXTS["en"] and "“Your consent” section" in version.text_en
    assert version.text_fr == POLICY_TEXTS["fr"]
    assert version.text_ru == "Текст, который переписал сотрудник по защите данных."


def test_the_heros_link_labels_are_translated(client):
    call_command("load_seed_content", verbosity=0)
    french = page(client, "/fr/")
    assert ">Mises à jour clés\xa0: octobre et novembre 2025</a>" in french
    assert ">Key Updates: Oct and Nov 2025<" not in french
    assert ">Key Updates: Oct and Nov 2025</a>" in page(client, "/")



def test_the_policy_agrees_with_its_purposes_and_says_truncated(client):
    french = page(client, "/fr/privacy/")
    assert "Contenus externes intégrés (facultatifs)" in french
    assert "Mesure d’audience (facultative)" in french
    assert "(facultatif)" not in french
    spanish = page(client, "/es/privacy/")
    assert "dirección IP truncada" in spanish and "dirección IP abreviada" not in spanish


def test_russian_error_messages_read_naturally():
    from django.utils.translation import gettext

    with translation.override("ru"):
        assert gettext("The form data is malformed.") == "Данные формы имеют неверный формат."
        lockout = gettext(
            "After %(failure_limit)s failed attempts, signing in as this user from your network "
            "is paused for %(minutes)s minutes. Try again later, or ask another administrator "
            "to unlock the account."
        )
        assert "вход под этой учётной записью" in lockout and "пользователем" not in lockout
