"""Fill ``source_locator_fr`` and ``source_locator_ar`` from the English ``source_locator``.

A locator is written from a few parts: document headings quoted with their Arabic original in
parentheses (``Annex: "Brital initiative…" (مبادرة بريثال…)``), and place words (section, bullet,
footnote, row…). The Arabic locator uses the document's own heading, word for word; the French one
translates the English and keeps the Arabic original in parentheses, as the English one does.
French titles of initiatives are those of ``initiatives.name_fr``. A locator this script cannot
read in full stops it with the part it does not know, so nothing is half-translated.

Run once after adding locators (``.venv/bin/python scripts/translate_locators.py``); it rewrites
only the two columns, with the project's own CSV writer.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mc2cm.csvio import write_csv_text

DATA = Path(__file__).resolve().parent.parent / "data"
TABLES = ("challenges", "cities", "cso_roles", "events", "frameworks", "initiatives", "officials",
          "recommendations", "role_assessments")

# English heading or title -> French (the Arabic comes from the locator itself).
HEADINGS_FR = {
    "Key coordination challenges between municipalities and CSOs":
        "Principaux défis de coordination entre les municipalités et les OSC",
    "Section 4. Coordination challenges": "Section 4. Défis de coordination",
    "Policy coherence": "Cohérence des politiques",
    "Funding, transparency and sustainability": "Financement, transparence et durabilité",
    "Flexibility and responsiveness": "Flexibilité et réactivité",
    "Independence": "Indépendance",
    "Capacity building and professionalisation": "Renforcement des capacités et professionnalisation",
    "Main difficulties": "Principales difficultés",
    "Context": "Contexte",
    "Intercultural fair: Africa 2017, Nador": "Salon interculturel : Afrique 2017, Nador",
    "Brital initiative to help displaced Syrians": "Initiative de Brital pour l'aide aux déplacés syriens",
    "City–CSO partnerships: good practices from the field":
        "Partenariats entre villes et OSC : bonnes pratiques du terrain",
    "“Be a migrant and talk about citizenship in Málaga”":
        "“Sois migrant et parle de citoyenneté à Malaga”",
    "“Be a migrant and talk about citizenship in Málaga”, by the Moroccan Association for the "
    "Integration of Migrants":
        "“Sois migrant et parle de citoyenneté à Malaga”, par l'Association marocaine pour "
        "l'intégration des migrants et migrantes",
    "Cooperation between Meknes and the Confederation of African Students and Trainees in Morocco":
        "Coopération entre Meknès et la Confédération des étudiants et stagiaires africains au Maroc",
    # Two English renderings of one Arabic title: one French title (initiatives.name_fr).
    "Project supporting better public policies in Cameroon on the right to decent housing, "
    "Caritas Douala":
        "Projet d'appui à l'amélioration des politiques publiques au Cameroun en matière de respect "
        "du droit à un logement décent, Caritas Douala",
    "Project supporting better public policies in Cameroon on respect for the right to decent "
    "housing, Caritas Douala":
        "Projet d'appui à l'amélioration des politiques publiques au Cameroun en matière de respect "
        "du droit à un logement décent, Caritas Douala",
    "Ensuring cooperation through education, Ayadi Al Khair Association for Relief and Charity":
        "Garantir la coopération par l'éducation, association Ayadi Al Khair pour le secours et la "
        "bienfaisance",
    "Migrant accompaniment mechanism, Terre d'Asile Tunisie":
        "Dispositif d'accompagnement des migrants, Terre d'Asile Tunisie",
    "Building capacity and knowledge on asylum law, Tunisian League for the Defence of Human Rights":
        "Renforcement des capacités et des connaissances sur le droit d'asile, Ligue tunisienne pour "
        "la défense des droits de l'homme",
    "Promoting migrants' rights": "Promouvoir les droits des migrants",
    "Improving access to services": "Améliorer l'accès aux services",
    "Strengthening partnership with civil society organisations on migration":
        "Renforcer le partenariat avec les organisations de la société civile en matière de migration",
    "Improving social inclusion and political participation":
        "Améliorer l'inclusion sociale et la participation politique",
    "Coordination and information exchange": "Coordination et échange d'informations",
    "Contributions to improving processes and policy design":
        "Contributions à l'amélioration des processus et de la conception des politiques",
    "Coordination challenges": "Défis de coordination",
    "Civil society's contribution to public policies for inclusive, safe and resilient cities":
        "Contribution de la société civile aux politiques publiques pour des villes inclusives, sûres "
        "et résilientes",
    "Key roles of CSOs and their strengths and weaknesses at local level":
        "Rôles clés des OSC, leurs forces et leurs faiblesses au niveau local",
    "Case study": "Étude de cas",
    "Lessons learned": "Enseignements tirés",
    "Official opening and welcome remarks": "Ouverture officielle et mots de bienvenue",
    "Key concepts and definitions": "Concepts clés et définitions",
    "Recommendations for sustainable, flexible and effective coordination between cities and CSOs":
        "Recommandations pour une coordination durable, flexible et efficace entre les villes et les OSC",
    "Closing remarks": "Remarques finales",
    "Section 3. Mechanisms, tools and appropriate coordination framework to improve CSO participation":
        "Section 3. Mécanismes, outils et cadre de coordination approprié pour améliorer la "
        "participation des OSC",
    "Closing paragraph on the meeting's recommendations":
        "Paragraphe final sur les recommandations de la rencontre",
}
# Headings the Arabic locator prefixes with القسم (their original starts with the number only).
NUMBERED_SECTION = re.compile(r"^Section \d+\. ")
ARABIC_LOCATOR_FOR_HEADING = {
    "Closing paragraph on the meeting's recommendations": "الفقرة الختامية حول توصيات اللقاء",
}

# Whole place words without an Arabic original: English -> (French, Arabic).
PLAIN = {
    "title page": ("page de titre", "صفحة العنوان"),
    "introductory paragraph": ("paragraphe introductif", "الفقرة التمهيدية"),
    "numbered key messages following the priorities":
        ("messages clés numérotés qui suivent les priorités", "الرسائل الرئيسية المرقّمة التي تلي الأولويات"),
    "News item body": ("Corps de la dépêche", "متن الخبر"),
    "training paragraph": ("paragraphe sur la formation", "فقرة التدريب"),
    "News item body (project description, training paragraph, expected results)":
        ("Corps de la dépêche (description du projet, paragraphe sur la formation, résultats attendus)",
         "متن الخبر (وصف المشروع، فقرة التدريب، النتائج المتوقعة)"),
    "Article": ("Article", "المقال"),
    "paragraph on the two main sessions":
        ("paragraphe sur les deux séances principales", "الفقرة الخاصة بالجلستين الرئيسيتين"),
    "paragraphs 1–3 and 7": ("paragraphes 1–3 et 7", "الفقرات 1–3 و7"),
    "paragraphs 5–6 (statement of the project coordinator)":
        ("paragraphes 5–6 (déclaration du coordinateur du projet)", "الفقرتان 5–6 (تصريح منسق المشروع)"),
    "paragraph 4 (the two main sessions)":
        ("paragraphe 4 (les deux séances principales)", "الفقرة 4 (الجلستان الرئيسيتان)"),
    "footnotes 4 and 8": ("notes de bas de page 4 et 8", "الحاشيتان 4 و8"),
    "strength column (نقطة القوة)": ("colonne des points forts (نقطة القوة)", "عمود نقطة القوة"),
    "weakness column (نقطة الضعف)": ("colonne des points faibles (نقطة الضعف)", "عمود نقطة الضعف"),
}
# Numbered place words: English word -> (French, Arabic) with the number in its place.
NUMBERED = {
    "bullet": ("point {n}", "النقطة {n}"),
    "footnote": ("note de bas de page {n}", "الحاشية {n}"),
    "row": ("ligne {n}", "الصف {n}"),
    "message": ("message {n}", "الرسالة {n}"),
    "closing-session priority": ("priorité {n} de la séance de clôture", "الأولوية {n} من الجلسة الختامية"),
    "Section": ("Section {n}", "القسم {n}"),
}
PREFIXES = {"Annex": ("Annexe", "الملحق"), "Closing table": ("Tableau final", "الجدول الختامي")}

ARABIC = re.compile(r"[\u0600-\u06FF]")
HEADING = re.compile(r'^(?:(?P<prefix>Annex|Closing table): )?(?:item (?P<item>\d+) )?'
                     r'(?P<quote>")?(?P<en>.+?)(?P=quote)? \((?P<ar>[^()]*)\)$')


def split_parts(text: str, separator: str) -> list[str]:
    """``text`` cut at ``separator`` where it stands outside quotes and parentheses."""
    parts, depth, quoted, start, i = [], 0, False, 0, 0
    while i < len(text):
        char = text[i]
        if char == '"':
            quoted = not quoted
        elif char == "(" and not quoted:
            depth += 1
        elif char == ")" and not quoted:
            depth -= 1
        elif not quoted and depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def translate_part(part: str) -> tuple[str, str]:
    """One comma-separated piece of a locator as (French, Arabic)."""
    if part in PLAIN:
        return PLAIN[part]
    numbered = re.fullmatch(r"(.+?) (\d+)", part)
    if numbered and numbered.group(1) in NUMBERED:
        fr_form, ar_form = NUMBERED[numbered.group(1)]
        return fr_form.format(n=numbered.group(2)), ar_form.format(n=numbered.group(2))
    match = HEADING.match(part)
    if not match or not ARABIC.search(match.group("ar")) or match.group("en") not in HEADINGS_FR:
        raise SystemExit(f"Unknown locator part: {part!r}")
    en, ar_original = match.group("en"), match.group("ar")
    french = HEADINGS_FR[en]
    if match.group("quote"):
        fr = f"« {french} » ({ar_original})"
        ar = f"«{ar_original}»"
    else:
        fr = f"{french} ({ar_original})"
        ar = ar_original
    if en in ARABIC_LOCATOR_FOR_HEADING:  # the original in parentheses is a quotation, not a heading
        ar = f"{ARABIC_LOCATOR_FOR_HEADING[en]} («{ar_original.strip(chr(34))}»)"
    elif NUMBERED_SECTION.match(en):
        ar = f"القسم {ar_original}"
    if match.group("item"):
        fr, ar = f"élément {match.group('item')} {fr}", f"البند {match.group('item')} {ar}"
    if match.group("prefix"):
        fr_prefix, ar_prefix = PREFIXES[match.group("prefix")]
        fr, ar = f"{fr_prefix} : {fr}", f"{ar_prefix}: {ar}"
    return fr, ar


def translate(locator: str) -> tuple[str, str]:
    """A whole English locator as (French, Arabic)."""
    if locator in PLAIN:
        return PLAIN[locator]
    fr_segments, ar_segments = [], []
    for segment in split_parts(locator, "; "):
        pieces, pending = [], ""
        for piece in split_parts(segment, ", "):
            # An English heading may itself hold commas: join pieces until they read as one part.
            pending = f"{pending}, {piece}" if pending else piece
            if pending in PLAIN or re.search(r"\d$|\)$", pending):
                pieces.append(translate_part(pending))
                pending = ""
        if pending:
            pieces.append(translate_part(pending))
        fr_segments.append(", ".join(fr for fr, _ in pieces))
        ar_segments.append("، ".join(ar for _, ar in pieces))
    return " ; ".join(fr_segments), "؛ ".join(ar_segments)


def main() -> None:
    for table in TABLES:
        path = DATA / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        header, body = rows[0], rows[1:]
        for name in ("source_locator_fr", "source_locator_ar"):
            if name in header:
                index = header.index(name)
                header.pop(index)
                for row in body:
                    row.pop(index)
        at = header.index("source_locator") + 1
        header[at:at] = ["source_locator_fr", "source_locator_ar"]
        for row in body:
            row[at:at] = list(translate(row[at - 1]))
        path.write_text(write_csv_text(header, body), encoding="utf-8", newline="")


if __name__ == "__main__":
    if "--show" in sys.argv:
        seen: set[str] = set()
        for name in TABLES:
            with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as f:
                for record in csv.DictReader(f):
                    if record["source_locator"] not in seen:
                        seen.add(record["source_locator"])
                        fr_text, ar_text = translate(record["source_locator"])
                        print(record["source_locator"], "\n  FR:", fr_text, "\n  AR:", ar_text)
    else:
        main()
