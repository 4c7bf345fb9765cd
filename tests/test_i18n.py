"""Spanish throughout: every message translated, none fuzzy, the compiled catalogue current, no
new string left out of it; the member's language and time zone chosen per request; emails in
the recipient's language."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from notifications import emails
from tests.conftest import client_for, publish_thread, service_missing

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# What makemessages reads: the apps, the project and the templates (not tests, bench, venv).
SOURCES = ["accounts", "community", "moderation", "notifications", "insights", "hearth",
           "messaging", "learn", "events", "mentors", "templates"]
MAKEMESSAGES = ["makemessages", "-l", "es", "--ignore=.venv", "--ignore=var",
                "--ignore=node_modules", "--ignore=staticfiles", "--ignore=tests",
                "--ignore=bench"]
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|\{[a-z_]+\}")


def parse_po(path: Path) -> list[dict]:
    """The entries of a PO file (the header first): msgid, msgid_plural, msgstr (a list: one
    form, or one per plural form) and flags. Standard library only."""
    entries: list[dict] = []
    entry: dict | None = None
    field: tuple | None = None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "msgid_plural": None, "msgstr": {}, "flags": set(),
                     "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            text = ast.literal_eval(line)
        else:
            text = ast.literal_eval(rest)
            if keyword == "msgid":
                field = ("msgid",)
            elif keyword == "msgid_plural":
                field = ("msgid_plural",)
                entry["msgid_plural"] = ""
            elif keyword == "msgstr":
                field = ("msgstr", 0)
            elif keyword.startswith("msgstr["):
                field = ("msgstr", int(keyword[7:-1]))
            else:
                raise AssertionError(f"{path}: cannot read {line!r}")
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] = ""
        if field[0] == "msgstr":
            entry["msgstr"][field[1]] += text
        else:
            entry[field[0]] += text
    for entry in entries:
        entry["msgstr"] = [entry["msgstr"][i] for i in sorted(entry["msgstr"])]
    return [entry for entry in entries if not entry["obsolete"]]


def untranslated(entries: list[dict]) -> list[str]:
    return [entry["msgid"] for entry in entries[1:]
            if "fuzzy" in entry["flags"] or not entry["msgstr"] or not all(entry["msgstr"])]


def test_every_spanish_message_is_translated_and_none_is_fuzzy():
    entries = parse_po(PO)
    assert entries[0]["msgid"] == "", "the header comes first"
    assert "fuzzy" not in entries[0]["flags"]
    header = entries[0]["msgstr"][0]
    assert "Language: es" in header
    assert "nplurals=2" in header
    assert len(entries) > 600
    assert untranslated(entries) == []


def test_every_plural_message_has_both_spanish_forms():
    plurals = [entry for entry in parse_po(PO)[1:] if entry["msgid_plural"] is not None]
    assert plurals
    for entry in plurals:
        assert len(entry["msgstr"]) == 2 and all(entry["msgstr"]), entry["msgid"]


def test_translations_keep_every_placeholder():
    for entry in parse_po(PO)[1:]:
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if entry["msgid_plural"] else [])
        wanted = set(PLACEHOLDER.findall("".join(sources)))
        for text in entry["msgstr"]:
            assert set(PLACEHOLDER.findall(text)) == wanted, (entry["msgid"], text)
            # Markup in a message (links, <strong>) stays markup in its translation.
            assert text.count("<") == entry["msgid"].count("<"), (entry["msgid"], text)


def test_the_committed_mo_is_compiled_from_the_committed_po():
    """A fresh machine has no msgfmt: the .mo in git must match the .po."""
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in parse_po(PO)[1:]:
        if entry["msgid_plural"] is None:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]
        else:
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1) == \
                entry["msgstr"][0], entry["msgid"]
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 5) == \
                entry["msgstr"][1], entry["msgid"]


def test_no_string_in_the_code_is_missing_from_the_spanish_catalogue(tmp_path):
    """makemessages, run on a copy of the code, finds nothing the committed .po lacks."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        service_missing("GNU gettext (xgettext, msgmerge) is not installed")
    copy = tmp_path / "hearth"
    copy.mkdir()
    for name in SOURCES:
        shutil.copytree(ROOT / name, copy / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "static"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    (copy / "locale" / "es" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO, copy / "locale" / "es" / "LC_MESSAGES" / "django.po")
    (copy / "var").mkdir()
    (copy / "var" / "secret_key").write_text("makemessages-only")
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES], cwd=copy, capture_output=True,
        text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "hearth.settings",
             "SECRET_KEY": "makemessages-only", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    extracted = parse_po(copy / "locale" / "es" / "LC_MESSAGES" / "django.po")
    committed = {entry["msgid"] for entry in parse_po(PO)}
    new = sorted({entry["msgid"] for entry in extracted} - committed)
    assert new == [], (
        "strings missing from locale/es/LC_MESSAGES/django.po: run makemessages (see README), "
        f"translate them and compilemessages: {new}"
    )
    assert untranslated(extracted) == []


# --- Choosing the language and the time zone ------------------------------------------------


@pytest.mark.django_db
def test_a_visitor_gets_the_language_of_their_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert response.status_code == 200
    assert '<html lang="es">' in response.text
    assert "Comunidades" in response.text
    assert "Saltar al contenido principal" in response.text


@pytest.mark.django_db
def test_a_visitor_without_a_spanish_browser_gets_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="en">' in response.text
    assert "Skip to main content" in response.text


@pytest.mark.django_db
def test_a_members_own_language_wins_over_their_browser(maria):
    User.objects.filter(pk=maria.pk).update(language="es")
    response = client_for(maria).get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="es">' in response.text
    assert response["Content-Language"] == "es"


@pytest.mark.django_db
def test_a_member_without_a_language_follows_their_browser(maria):
    response = client_for(maria).get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="es">' in response.text


@pytest.mark.django_db
def test_the_language_switcher_saves_the_choice_to_the_member(maria):
    User.objects.filter(pk=maria.pk).update(language="en")
    client = client_for(maria)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    maria.refresh_from_db()
    assert maria.language == "es"
    assert '<html lang="es">' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").text


@pytest.mark.django_db
def test_the_language_switcher_ignores_an_unknown_language(maria):
    client_for(maria).post(reverse("set_language"), {"language": "xx", "next": "/"})
    maria.refresh_from_db()
    assert maria.language == ""


@pytest.mark.django_db
def test_a_visitor_can_switch_language_without_an_account(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="es">' in client.get("/").text


@pytest.mark.django_db
def test_times_are_shown_in_the_members_time_zone(maria, diabetes):
    thread = publish_thread(maria, diabetes, title="Morning numbers")
    User.objects.filter(pk=maria.pk).update(time_zone="America/Bogota")
    page = client_for(maria).get(thread.get_absolute_url()).text
    assert re.search(r'<time datetime="[0-9T:.-]+-05:00"', page), "Bogotá is UTC−5"


@pytest.mark.django_db
def test_a_member_with_an_unknown_time_zone_sees_utc(maria, diabetes):
    thread = publish_thread(maria, diabetes, title="Morning numbers")
    User.objects.filter(pk=maria.pk).update(time_zone="Mars/Olympus")
    response = client_for(maria).get(thread.get_absolute_url())
    assert response.status_code == 200
    assert re.search(r'<time datetime="[0-9T:.-]+\+00:00"', response.text)


@pytest.mark.django_db
def test_spanish_pages_show_spanish_dates(maria, diabetes):
    thread = publish_thread(maria, diabetes, title="Morning numbers")
    User.objects.filter(pk=maria.pk).update(language="es")
    page = client_for(maria).get(thread.get_absolute_url()).text
    months = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre")
    assert any(f"de {month} de" in page for month in months)


@pytest.mark.django_db
def test_emails_go_out_in_the_recipients_language(maria, james, diabetes):
    thread = publish_thread(maria, diabetes, title="Morning numbers")
    User.objects.filter(pk=maria.pk).update(language="es")
    maria.refresh_from_db()
    context = {"thread": thread, "summary": "…", "link": "http://example.org/t/1/",
               "unsubscribe_url": "http://example.org/u/"}
    subject, text, html = emails.render_email("notifications/immediate", context, user=maria)
    assert subject == "Novedades en «Morning numbers»"
    assert "Hola, maria:" in text and '<html lang="es">' in html
    subject, text, _html = emails.render_email("notifications/immediate", context, user=james)
    assert subject == "New in “Morning numbers”"
    assert "Hello james," in text
