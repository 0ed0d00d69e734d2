"""The message catalogs: complete in every language, same placeholders, CLDR plurals, no dead keys."""

from __future__ import annotations

import gettext
import re
import string
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from mc2cm import i18n
from mc2cm.filters import MULTI_KEYS
from mc2cm.i18n import LANGS, LOCALE_DIR, catalog_path, join, t, tn
from mc2cm.schema import package_spec
from mc2cm.titles import title_keys

ROOT = Path(__file__).resolve().parents[2]
CODE = [ROOT / "app.py", ROOT / "serve.py", *(ROOT / folder for folder in ("pages", "components", "mc2cm", "web"))]
# A key written literally at a call site: t("k", …), tn("k", …), ui.t("k"), {{ t('k') }} in a template.
CALL = re.compile(r"""\btn?\(\s*["']([a-z][a-z0-9_]*\.[a-z0-9_.]+)["']""")
# Any quoted key: also ("metric.cities", value) pairs and t("a" if x else "b").
LITERAL = re.compile(r"""["']([a-z][a-z0-9_]*\.[a-z0-9_.]+)["']""")
# Keys built at run time, which no literal names; each set says where it is built.
DYNAMIC_KEYS = {
    # components/layout.py, overview.py: t(f"page.{key}") for each page; page_setup(<file stem>) titles a page
    *(f"page.{p.stem}" for p in (ROOT / "pages").glob("*.py")), "page.overview",
    # components/filters.py: ui.t(f"filters.{key}") for each filter of the registry
    *(f"filters.{key}" for key in MULTI_KEYS),
    # mc2cm/filters.py describe(): tn(f"count.{noun}", …) for the noun a page counts
    "count.initiatives", "count.challenges",
    # pages/initiatives.py: ui.t(f"initiatives.{v}") for the view switch
    "initiatives.cards", "initiatives.table",
    # mc2cm/titles.py: t(f"table.{table}"), t(f"column.{table}.{column}") for every table and column of the schema
    *title_keys(package_spec()),
}
CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")


def read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


TEMPLATE = read(LOCALE_DIR / "messages.pot")
CATALOGS = {lang: read(catalog_path(lang)) for lang in LANGS}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def keys(catalog: Catalog) -> dict[str, bool]:
    """msgid → whether it is a plural entry."""
    return {m.id[0] if m.pluralizable else m.id: m.pluralizable for m in catalog if m.id}


def code_texts() -> list[str]:
    files = [p for root in CODE for p in ([root] if root.is_file() else root.rglob("*"))
             if p.suffix in {".py", ".html"} and ".venv" not in p.parts]
    assert len(files) > 30, files
    return [path.read_text(encoding="utf-8") for path in files]


def called_keys() -> set[str]:
    """Keys passed literally to t/tn."""
    return {key for text in code_texts() for key in CALL.findall(text)}


def used_keys() -> set[str]:
    """Keys called, or quoted anywhere in the code."""
    return called_keys() | {key for text in code_texts() for key in LITERAL.findall(text)}


def test_every_configured_language_has_a_catalog_and_every_catalog_a_language() -> None:
    on_disk = {p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")}
    assert len(on_disk) >= 3
    assert on_disk == set(LANGS)


def test_the_template_holds_every_message_with_no_text() -> None:
    assert len(TEMPLATE) > 150
    assert all(not any(m.string) if m.pluralizable else not m.string for m in TEMPLATE if m.id)


@pytest.mark.parametrize("lang", LANGS)
def test_every_key_is_translated_and_no_other(lang: str) -> None:
    template, catalog = keys(TEMPLATE), keys(CATALOGS[lang])
    assert sorted(set(template) - set(catalog)) == [], "missing"
    assert sorted(set(catalog) - set(template)) == [], "not in messages.pot"
    assert {k for k, plural in catalog.items() if plural != template[k]} == set(), "plural in one, not the other"
    untranslated = [m.id for m in CATALOGS[lang] if m.id and not (all(m.string) if m.pluralizable else m.string)]
    assert untranslated == []


@pytest.mark.parametrize("lang", LANGS)
def test_plural_entries_have_as_many_forms_as_the_language(lang: str) -> None:
    catalog = CATALOGS[lang]
    wrong = [(m.id[0], len(m.string)) for m in catalog if m.pluralizable and len(m.string) != catalog.num_plurals]
    assert wrong == []


def placeholder_differences(catalog: Catalog, english: Catalog) -> list[tuple[str, object, object]]:
    """Messages whose placeholders differ from the English ones ({n} may be said in words in a plural form)."""
    reference = {m.id[0] if m.pluralizable else m.id: m for m in english if m.id}
    differ: list[tuple[str, object, object]] = []
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            want = set().union(*map(placeholders, reference[message.id[0]].string)) - {"n"}
            got = [placeholders(form) - {"n"} for form in message.string]
            if any(g != want for g in got):
                differ.append((message.id[0], want, got))
        elif placeholders(message.string) != placeholders(reference[message.id].string):
            differ.append((message.id, placeholders(reference[message.id].string), placeholders(message.string)))
    return differ


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_placeholders_are_the_same_in_every_language(lang: str) -> None:
    assert placeholder_differences(CATALOGS[lang], CATALOGS["en"]) == []


def test_a_changed_placeholder_is_caught() -> None:
    """Control: a translation that renames {items}, and a plural form that drops {table}."""
    broken = Catalog(locale="fr")
    broken.add("filters.ignored", "Ignoré : {elements}")
    broken.add(("manage.save_update", "manage.save_update"), ("Mettre à jour {n} ligne", "Mettre à jour {n} lignes"))
    assert [d[0] for d in placeholder_differences(broken, CATALOGS["en"])] == ["filters.ignored", "manage.save_update"]


def test_english_plural_forms_have_the_same_placeholders() -> None:
    differ = [m.id[0] for m in CATALOGS["en"]
              if m.pluralizable and len({frozenset(placeholders(s) - {"n"}) for s in m.string}) != 1]
    assert differ == []


@pytest.mark.parametrize("lang", LANGS)
def test_plural_forms_header_follows_cldr(lang: str) -> None:
    """The catalog's ``Plural-Forms`` picks, for every count, the form CLDR names, in CLDR's order.

    Babel's own default for Arabic (``babel.messages.plurals``) sends 11–99 to form 5 and 100–102 to
    form 4, the reverse of CLDR's many/other; the catalog carries gettext's expression instead.
    """
    rule = Locale.parse(i18n.babel_locale(lang)).plural_form
    counts = range(1001)
    tags = sorted({rule(n) for n in counts}, key=CLDR_ORDER.index)
    pick = gettext.c2py(CATALOGS[lang].plural_expr)
    assert CATALOGS[lang].num_plurals == len(tags)
    assert [tags[pick(n)] for n in counts] == [rule(n) for n in counts]


def test_arabic_counts() -> None:
    said = {n: tn("count.initiatives", n, "ar") for n in (0, 1, 2, 3, 11, 100)}
    assert said == {0: "لا توجد مبادرات", 1: "مبادرة واحدة", 2: "مبادرتان", 3: "3 مبادرات",
                    11: "11 مبادرة", 100: "100 مبادرة"}
    assert tn("count.challenges", 2, "ar") == "تحدّيان"
    assert tn("count.challenges", 11, "ar") == "11 تحدياً"
    assert tn("poll.voters", 5, "ar") == "أجاب 5 أشخاص"


def test_english_and_french_counts() -> None:
    assert [tn("count.initiatives", n, "en") for n in (0, 1, 2)] == ["0 initiatives", "1 initiative", "2 initiatives"]
    assert [tn("count.initiatives", n, "fr") for n in (0, 1, 2)] == ["0 initiative", "1 initiative", "2 initiatives"]
    assert tn("poll.voters", 1, "en") == "1 person answered"
    assert tn("count.recommendations", 1234, "fr") == "1\u202f234 recommandations"  # the count in the reader's locale


def test_numbers_in_sentences_are_written_in_the_readers_locale() -> None:
    assert t("initiatives.showing", "fr", first=1, last=20, total=12345) == "1–20 sur 12\u202f345"
    assert t("initiatives.showing", "en", first=1, last=20, total=12345) == "Showing 1–20 of 12,345"


def test_lists_are_joined_in_words() -> None:
    assert join(["A", "B", "C"], "en") == "A, B and C"
    assert join(["A", "B", "C"], "fr") == "A, B et C"
    assert join(["A", "B", "C"], "ar") == "A وB وC"
    assert join(["A", "", None or ""], "en") == "A"


def test_every_key_is_used_and_every_used_key_exists() -> None:
    called, used = called_keys(), used_keys()
    assert {"map.legend", "poll.submit", "count.recommendations"} <= called  # the scanner sees .py and templates
    template = set(keys(TEMPLATE))
    assert sorted(called - template) == [], "used in code, missing from the catalogs"
    assert template >= DYNAMIC_KEYS
    assert unused(template, used) == []


def unused(template: set[str], used: set[str]) -> list[str]:
    return sorted(template - used - DYNAMIC_KEYS)


def test_the_unused_key_check_has_teeth() -> None:
    """Control: a key only the catalog knows is reported."""
    template = set(keys(TEMPLATE)) | {"catalog.only_here"}
    assert unused(template, used_keys()) == ["catalog.only_here"]


def test_pseudo_locale_wraps_every_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_PSEUDO", "1")
    assert t("map.legend", "fr") == "⟦Taille du cercle : nombre d'initiatives · couleur : domaine d'action⟧"
    assert tn("count.initiatives", 2, "ar") == "⟦مبادرتان⟧"
    monkeypatch.delenv("MC2CM_PSEUDO")
    assert tn("count.initiatives", 2, "ar") == "مبادرتان"
