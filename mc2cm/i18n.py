"""UI text in English, French and Arabic, and locale-aware formatting.

Content (names, summaries) is translated in the data itself (``_en``/``_fr``/
``_ar`` columns); this catalog holds only the interface and the labels of the
controlled vocabularies. Formatting of numbers, dates and country names is
Babel's (CLDR data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from mc2cm.schema import current_package

LANGS = ("en", "fr", "ar")
DEFAULT_LANG = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}
RTL_LANGS = frozenset({"ar"})
_BABEL_LOCALE = {"en": "en_GB", "fr": "fr_FR", "ar": "ar"}  # "ar": يونيو, as the documents write it

Catalog = Mapping[str, Mapping[str, str]]


class RowLike(Protocol):
    """A table row: a dict or a pandas Series."""

    def get(self, key: str, default: Any = ..., /) -> Any: ...

UI: Catalog = {
    # pages (navigation labels and titles)
    "page.overview": {"en": "Overview", "fr": "Vue d'ensemble", "ar": "نظرة عامة"},
    "page.map": {"en": "Map", "fr": "Carte", "ar": "الخريطة"},
    "page.initiatives": {"en": "Initiatives", "fr": "Initiatives", "ar": "المبادرات"},
    "page.challenges": {"en": "Challenges and recommendations", "fr": "Défis et recommandations",
                        "ar": "التحديات والتوصيات"},
    "page.cso_roles": {"en": "CSO roles", "fr": "Rôles des OSC", "ar": "أدوار منظمات المجتمع المدني"},
    "page.data": {"en": "Data and sources", "fr": "Données et sources", "ar": "البيانات والمصادر"},
    "app.title": {"en": "MC2CM · Sfax 2019 workshop", "fr": "MC2CM · Atelier de Sfax 2019",
                  "ar": "MC2CM · ورشة صفاقس 2019"},
    "app.tagline": {
        "en": "Building trust through strengthened cooperation: the role of civil society in urban migration governance",
        "fr": "Instaurer la confiance par une coopération renforcée : le rôle de la société civile dans la "
              "gouvernance urbaine des migrations",
        "ar": "بناء الثقة من خلال تعزيز التعاون: دور المجتمع المدني في الإدارة الحضرية للهجرة",
    },
    "app.no_front_door": {
        "en": "Started without its front door (streamlit run app.py): files go uncompressed, without security "
              "headers, and the QR codes lead to the heavier ballot. Start it with `{command}`.",
        "fr": "Démarrée sans sa porte d'entrée (streamlit run app.py) : fichiers non compressés, sans en-têtes de "
              "sécurité, et les QR codes mènent au bulletin plus lourd. Démarrez-la avec `{command}`.",
        "ar": "شُغّل التطبيق دون بوابته (streamlit run app.py): تُرسل الملفات دون ضغط ودون ترويسات الأمان، وتقود "
              "رموز QR إلى صفحة التصويت الأثقل. شغّله بالأمر `{command}`.",
    },
    "nav.heading": {"en": "Pages", "fr": "Pages", "ar": "الصفحات"},
    "lang.label": {"en": "Language", "fr": "Langue", "ar": "اللغة"},
    # filters
    "filters.heading": {"en": "Filters", "fr": "Filtres", "ar": "عوامل التصفية"},
    "filters.area": {"en": "Area of work", "fr": "Domaine d'action", "ar": "مجال العمل"},
    "filters.role": {"en": "CSO role", "fr": "Rôle des OSC", "ar": "دور منظمات المجتمع المدني"},
    "filters.country": {"en": "Country", "fr": "Pays", "ar": "البلد"},
    "filters.actor": {"en": "Actor type", "fr": "Type d'acteur", "ar": "نوع الجهة الفاعلة"},
    "filters.source": {"en": "Source document", "fr": "Document source", "ar": "الوثيقة المصدر"},
    "filters.q": {"en": "Search (any language)", "fr": "Rechercher (toutes langues)", "ar": "بحث (بأي لغة)"},
    "filters.more": {"en": "More filters", "fr": "Plus de filtres", "ar": "مزيد من عوامل التصفية"},
    "filters.reset": {"en": "Clear filters", "fr": "Effacer les filtres", "ar": "مسح عوامل التصفية"},
    "filters.not_applicable": {"en": "Not used on this page", "fr": "Non utilisé sur cette page",
                               "ar": "غير مستخدم في هذه الصفحة"},
    "filters.ignored": {"en": "Ignored in the link: {items}", "fr": "Ignoré dans le lien : {items}",
                        "ar": "تم تجاهل ما يلي في الرابط: {items}"},
    "filters.share": {"en": "Link to this view", "fr": "Lien vers cette vue", "ar": "رابط هذا العرض"},
    # captions and counts
    "count.initiatives": {"en": "{n} initiatives", "fr": "{n} initiatives", "ar": "{n} مبادرة"},
    "count.initiative": {"en": "1 initiative", "fr": "1 initiative", "ar": "مبادرة واحدة"},
    "count.challenges": {"en": "{n} challenges", "fr": "{n} défis", "ar": "{n} تحديات"},
    "count.recommendations": {"en": "{n} recommendations", "fr": "{n} recommandations", "ar": "{n} توصيات"},
    "count.cities": {"en": "{n} cities", "fr": "{n} villes", "ar": "{n} مدن"},
    "count.all": {"en": "all", "fr": "tout", "ar": "الكل"},
    "caption.search": {"en": "“{q}”", "fr": "« {q} »", "ar": "«{q}»"},
    # overview
    "overview.when_where": {"en": "When and where", "fr": "Quand et où", "ar": "الزمان والمكان"},
    "overview.organisers": {"en": "Organisers", "fr": "Organisateurs", "ar": "الجهات المنظمة"},
    "overview.participants": {"en": "Participants", "fr": "Participants", "ar": "المشاركون"},
    "overview.chatham": {
        "en": "Discussions were held under the Chatham House rule: no statement is attributed to a participant.",
        "fr": "Les discussions se sont tenues selon la règle de Chatham House : aucun propos n'est attribué à "
              "un participant.",
        "ar": "جرت النقاشات وفقاً لقاعدة تشاتام هاوس: لا يُنسب أي تصريح إلى أحد المشاركين.",
    },
    "overview.areas": {"en": "Three areas where cities and CSOs work together",
                       "fr": "Trois domaines où villes et OSC agissent ensemble",
                       "ar": "ثلاثة مجالات تعمل فيها المدن ومنظمات المجتمع المدني معاً"},
    "overview.numbers": {"en": "In the data", "fr": "Dans les données", "ar": "في البيانات"},
    "overview.explore": {"en": "Explore", "fr": "Explorer", "ar": "استكشف"},
    "overview.officials": {"en": "Opening, sessions and closing", "fr": "Ouverture, sessions et clôture",
                           "ar": "الافتتاح والجلسات والاختتام"},
    "metric.initiatives": {"en": "Initiatives", "fr": "Initiatives", "ar": "المبادرات"},
    "metric.cities": {"en": "Places", "fr": "Lieux", "ar": "الأماكن"},
    "metric.countries": {"en": "Countries", "fr": "Pays", "ar": "البلدان"},
    "metric.challenges": {"en": "Challenges", "fr": "Défis", "ar": "التحديات"},
    "metric.recommendations": {"en": "Recommendations", "fr": "Recommandations", "ar": "التوصيات"},
    "metric.sources": {"en": "Source documents", "fr": "Documents sources", "ar": "الوثائق المصدر"},
    "metric.participants": {"en": "Participants (more than)", "fr": "Participants (plus de)",
                            "ar": "المشاركون (أكثر من)"},
    # map
    "map.legend": {"en": "Circle size: number of initiatives · colour: area of work",
                   "fr": "Taille du cercle : nombre d'initiatives · couleur : domaine d'action",
                   "ar": "حجم الدائرة: عدد المبادرات · اللون: مجال العمل"},
    "map.elsewhere": {"en": "Beyond the map", "fr": "Hors de la carte", "ar": "خارج الخريطة"},
    "map.elsewhere_help": {
        "en": "Initiatives outside the Euro-Mediterranean frame, national programmes and multi-country networks.",
        "fr": "Initiatives hors du cadre euro-méditerranéen, programmes nationaux et réseaux multi-pays.",
        "ar": "مبادرات خارج الإطار الأورومتوسطي، وبرامج وطنية، وشبكات متعددة البلدان.",
    },
    "map.several_areas": {"en": "Several areas", "fr": "Plusieurs domaines", "ar": "عدة مجالات"},
    "map.assets_missing": {
        "en": "The map cannot be drawn: its files are missing from this copy of the app ({files}). Run the command "
              "below in the app's folder (or download the app again), then reload.",
        "fr": "La carte ne peut pas s'afficher : ses fichiers manquent dans cette copie de l'application ({files}). "
              "Lancez la commande ci-dessous dans le dossier de l'application (ou téléchargez-la à nouveau), puis "
              "rechargez.",
        "ar": "لا يمكن رسم الخريطة: ملفاتها ناقصة في هذه النسخة من التطبيق ({files}). شغّل الأمر أدناه في مجلد "
              "التطبيق (أو نزّل التطبيق من جديد) ثم أعد تحميل الصفحة.",
    },
    "map.online_tiles": {"en": "Online street map (needs internet)", "fr": "Plan en ligne (Internet requis)",
                         "ar": "خريطة الشوارع (تتطلب الإنترنت)"},
    "map.countries": {"en": "Countries (offline)", "fr": "Pays (hors ligne)", "ar": "البلدان (دون اتصال)"},
    "map.more": {"en": "{n} more in Initiatives", "fr": "{n} de plus dans Initiatives", "ar": "{n} أخرى في المبادرات"},
    "initiatives.page": {"en": "Page", "fr": "Page", "ar": "الصفحة"},
    "initiatives.showing": {"en": "Showing {first}–{last} of {total}", "fr": "{first}–{last} sur {total}",
                            "ar": "عرض {first}–{last} من {total}"},
    "map.details": {"en": "Details", "fr": "Détails", "ar": "التفاصيل"},
    "map.no_cities": {"en": "No place on the map matches these filters.",
                      "fr": "Aucun lieu de la carte ne correspond à ces filtres.",
                      "ar": "لا يوجد مكان على الخريطة يطابق عوامل التصفية هذه."},
    # initiatives
    "initiatives.view": {"en": "View", "fr": "Affichage", "ar": "طريقة العرض"},
    "initiatives.cards": {"en": "Cards", "fr": "Fiches", "ar": "بطاقات"},
    "initiatives.table": {"en": "Table", "fr": "Tableau", "ar": "جدول"},
    "initiatives.none": {"en": "No initiative matches these filters.",
                         "fr": "Aucune initiative ne correspond à ces filtres.",
                         "ar": "لا توجد مبادرة تطابق عوامل التصفية هذه."},
    "initiatives.open": {"en": "Open", "fr": "Ouvrir", "ar": "فتح"},
    "initiatives.back": {"en": "← All initiatives", "fr": "← Toutes les initiatives", "ar": "→ كل المبادرات"},
    "initiatives.unknown_id": {"en": "There is no initiative with the id “{id}”. Showing all initiatives.",
                               "fr": "Aucune initiative ne porte l'identifiant « {id} ». Toutes les initiatives "
                                     "sont affichées.",
                               "ar": "لا توجد مبادرة بالمعرّف «{id}». يتم عرض كل المبادرات."},
    "detail.where": {"en": "Where", "fr": "Où", "ar": "أين"},
    "detail.lead": {"en": "Led by", "fr": "Porté par", "ar": "الجهة القائدة"},
    "detail.partners": {"en": "Partners", "fr": "Partenaires", "ar": "الشركاء"},
    "detail.actor": {"en": "Actor type", "fr": "Type d'acteur", "ar": "نوع الجهة الفاعلة"},
    "detail.areas": {"en": "Areas of work", "fr": "Domaines d'action", "ar": "مجالات العمل"},
    "detail.areas_curator": {"en": "(curator's judgement: the document does not name the area)",
                             "fr": "(choix de la curatrice ou du curateur : le document ne nomme pas le domaine)",
                             "ar": "(تقدير أمين البيانات: لا تذكر الوثيقة المجال)"},
    "detail.roles": {"en": "CSO roles", "fr": "Rôles des OSC", "ar": "أدوار منظمات المجتمع المدني"},
    "detail.years": {"en": "Years", "fr": "Années", "ar": "السنوات"},
    "detail.figures": {"en": "Figures", "fr": "Chiffres", "ar": "الأرقام"},
    "detail.source": {"en": "Source", "fr": "Source", "ar": "المصدر"},
    "detail.cite": {"en": "Citation", "fr": "Citation", "ar": "الاستشهاد"},
    "detail.note": {"en": "Curator's note", "fr": "Note de curation", "ar": "ملاحظة أمين البيانات"},
    "detail.related_challenges": {"en": "Related challenges", "fr": "Défis liés", "ar": "تحديات ذات صلة"},
    "detail.related_recommendations": {"en": "Related recommendations", "fr": "Recommandations liées",
                                       "ar": "توصيات ذات صلة"},
    "detail.related_help": {
        "en": "The challenges raised in the same document, and the recommendations that answer them.",
        "fr": "Les défis soulevés dans le même document, et les recommandations qui y répondent.",
        "ar": "التحديات المطروحة في الوثيقة نفسها، والتوصيات التي تستجيب لها.",
    },
    # challenges
    "challenges.matrix": {"en": "Which recommendation answers which challenge",
                          "fr": "Quelle recommandation répond à quel défi",
                          "ar": "أي توصية تستجيب لأي تحدٍّ"},
    "challenges.list": {"en": "Challenges and the recommendations that answer them",
                        "fr": "Les défis et les recommandations qui y répondent",
                        "ar": "التحديات والتوصيات التي تستجيب لها"},
    "challenges.answered_by": {"en": "Answered by", "fr": "Réponses", "ar": "تستجيب لها"},
    "challenges.unanswered": {"en": "No recommendation in the data answers this challenge.",
                              "fr": "Aucune recommandation des données ne répond à ce défi.",
                              "ar": "لا توجد في البيانات توصية تستجيب لهذا التحدي."},
    "challenges.other_recs": {"en": "Recommendations not linked to a challenge",
                              "fr": "Recommandations non liées à un défi",
                              "ar": "توصيات غير مرتبطة بتحدٍّ"},
    "challenges.none": {"en": "No challenge matches these filters.",
                        "fr": "Aucun défi ne correspond à ces filtres.",
                        "ar": "لا يوجد تحدٍّ يطابق عوامل التصفية هذه."},
    # roles
    "roles.chart": {"en": "Strengths and weaknesses by CSO role",
                    "fr": "Forces et faiblesses par rôle des OSC",
                    "ar": "نقاط القوة والضعف حسب دور منظمات المجتمع المدني"},
    "roles.strengths": {"en": "Strengths", "fr": "Forces", "ar": "نقاط القوة"},
    "roles.weaknesses": {"en": "Weaknesses", "fr": "Faiblesses", "ar": "نقاط الضعف"},
    "roles.count_axis": {"en": "← weaknesses · strengths →", "fr": "← faiblesses · forces →",
                         "ar": "← نقاط الضعف · نقاط القوة →"},
    "roles.initiatives_playing": {"en": "Initiatives playing this role: {n}",
                                  "fr": "Initiatives jouant ce rôle : {n}",
                                  "ar": "المبادرات التي تؤدي هذا الدور: {n}"},
    "roles.theme": {"en": "Theme", "fr": "Thème", "ar": "الموضوع"},
    # data page
    "data.sources": {"en": "The five source documents", "fr": "Les cinq documents sources",
                     "ar": "الوثائق المصدر الخمس"},
    "data.download": {"en": "Download the tables (CSV for Excel)", "fr": "Télécharger les tables (CSV pour Excel)",
                      "ar": "تنزيل الجداول (CSV لبرنامج Excel)"},
    "data.download_help": {
        "en": "UTF-8 with BOM so Excel shows Arabic; the current filters apply to the initiatives table.",
        "fr": "UTF-8 avec BOM pour qu'Excel affiche l'arabe ; les filtres en cours s'appliquent à la table "
              "des initiatives.",
        "ar": "بترميز UTF-8 مع BOM ليعرض Excel النص العربي؛ تنطبق عوامل التصفية الحالية على جدول المبادرات.",
    },
    "data.validation": {"en": "Validation status", "fr": "État de la validation", "ar": "حالة التحقق"},
    "data.valid": {"en": "The data is valid: {warnings} warning(s).", "fr": "Les données sont valides : "
                   "{warnings} avertissement(s).", "ar": "البيانات صالحة: {warnings} تحذير(ات)."},
    "data.invalid": {"en": "The data has {errors} error(s). The app shows what it can read: a row with an error "
                           "is left out until it is fixed.",
                     "fr": "Les données comportent {errors} erreur(s). L'application affiche ce qu'elle peut lire : "
                           "une ligne en erreur est omise jusqu'à sa correction.",
                     "ar": "تحتوي البيانات على {errors} خطأ. يعرض التطبيق ما يمكن قراءته: يُستبعد كل صف فيه خطأ "
                           "إلى أن يُصحَّح."},
    "data.file": {"en": "File", "fr": "Fichier", "ar": "الملف"},
    "data.rows": {"en": "Rows", "fr": "Lignes", "ar": "الصفوف"},
    "data.published": {"en": "Published", "fr": "Publié", "ar": "تاريخ النشر"},
    "data.undated": {"en": "no date in the text", "fr": "pas de date dans le texte", "ar": "لا يوجد تاريخ في النص"},
    "data.problem_banner": {
        "en": "Some data could not be read, and no earlier version of it was kept: the app shows what it can read. "
              "See Data and sources for what to fix.",
        "fr": "Certaines données n'ont pas pu être lues et aucune version antérieure n'a été conservée : "
              "l'application affiche ce qu'elle peut lire. Voir Données et sources pour les corrections.",
        "ar": "تعذرت قراءة بعض البيانات ولا توجد نسخة سابقة محفوظة منها: يعرض التطبيق ما أمكن قراءته. "
              "راجع صفحة البيانات والمصادر لمعرفة ما يجب تصحيحه.",
    },
    "data.as_of": {
        "en": "Data as of {time}: a newer edit has errors, listed for staff on the Data and Manage pages.",
        "fr": "Données du {time} : une modification plus récente comporte des erreurs, listées pour l'équipe dans "
              "les pages Données et Gestion.",
        "ar": "البيانات كما كانت في {time}: في تعديل أحدث أخطاء معروضة للفريق في صفحتي البيانات والإدارة.",
    },
    "data.stale_detail": {
        "en": "The files on disk have {errors} error(s), so every page shows the last version that was valid "
              "({time}). Fix the rows below (or undo the last change on the Manage page); the pages switch to the "
              "new data as soon as it is valid.",
        "fr": "Les fichiers comportent {errors} erreur(s) : toutes les pages affichent la dernière version valide "
              "({time}). Corrigez les lignes ci-dessous (ou annulez la dernière modification dans Gérer les "
              "données) ; les pages passent aux nouvelles données dès qu'elles sont valides.",
        "ar": "في الملفات {errors} خطأ، لذا تعرض كل الصفحات آخر نسخة صالحة ({time}). صحّح الصفوف أدناه (أو تراجع "
              "عن آخر تعديل في صفحة إدارة البيانات)؛ تنتقل الصفحات إلى البيانات الجديدة فور صلاحيتها.",
    },
    "data.schema": {"en": "Schema (what each column means)", "fr": "Schéma (sens de chaque colonne)",
                    "ar": "المخطط (معنى كل عمود)"},
    # staff
    "page.manage": {"en": "Manage data", "fr": "Gérer les données", "ar": "إدارة البيانات"},
    "auth.title": {"en": "Staff sign-in", "fr": "Connexion du personnel", "ar": "دخول الموظفين"},
    "auth.name": {"en": "Your name (for the change log)", "fr": "Votre nom (pour le journal des modifications)",
                  "ar": "اسمك (لسجل التغييرات)"},
    "auth.password": {"en": "Password", "fr": "Mot de passe", "ar": "كلمة المرور"},
    "auth.submit": {"en": "Sign in", "fr": "Se connecter", "ar": "دخول"},
    "auth.wrong": {"en": "Wrong password.", "fr": "Mot de passe incorrect.", "ar": "كلمة المرور غير صحيحة."},
    "auth.wrong_wait": {"en": "Wrong password. You can try again in {seconds} s.",
                   "fr": "Mot de passe incorrect. Vous pourrez réessayer dans {seconds} s.",
                   "ar": "كلمة المرور غير صحيحة. يمكنك المحاولة مجدداً بعد {seconds} ث."},
    "auth.need_name": {"en": "Please give your name: it goes in the change log.",
                       "fr": "Indiquez votre nom : il figure dans le journal des modifications.",
                       "ar": "يرجى كتابة اسمك: يُسجَّل في سجل التغييرات."},
    "auth.slowed": {"en": "Too many failed attempts: wait {seconds} s, then try again. This attempt was not checked.",
                    "fr": "Trop d'échecs : attendez {seconds} s, puis réessayez. Cet essai n'a pas été vérifié.",
                    "ar": "محاولات فاشلة كثيرة: انتظر {seconds} ث ثم أعد المحاولة. لم يُتحقَّق من هذه المحاولة."},
    "auth.not_configured": {
        "en": "Editing is off: no staff password is set. Set MC2CM_ADMIN_PASSWORD in the environment or in "
              ".streamlit/secrets.toml, then restart the app.",
        "fr": "La modification est désactivée : aucun mot de passe n'est défini. Définissez MC2CM_ADMIN_PASSWORD "
              "dans l'environnement ou dans .streamlit/secrets.toml, puis redémarrez l'application.",
        "ar": "التعديل معطّل: لم تُحدَّد كلمة مرور للموظفين. عرّف MC2CM_ADMIN_PASSWORD في البيئة أو في "
              ".streamlit/secrets.toml ثم أعد تشغيل التطبيق.",
    },
    "auth.weak_password": {"en": "The configured password is short; use a passphrase of 8 characters or more.",
                           "fr": "Le mot de passe configuré est court ; utilisez une phrase de passe d'au moins 8 caractères.",
                           "ar": "كلمة المرور المعرّفة قصيرة؛ استخدم عبارة مرور من 8 أحرف أو أكثر."},
    "auth.signed_in_as": {"en": "Signed in as {name}", "fr": "Connecté·e : {name}", "ar": "تم الدخول باسم {name}"},
    "auth.sign_out": {"en": "Sign out", "fr": "Se déconnecter", "ar": "خروج"},
    "manage.table": {"en": "Table", "fr": "Table", "ar": "الجدول"},
    "manage.edit": {"en": "Edit", "fr": "Modifier", "ar": "تعديل"},
    "manage.upload": {"en": "Upload a CSV", "fr": "Téléverser un CSV", "ar": "رفع ملف CSV"},
    "manage.add_city": {"en": "Add a city", "fr": "Ajouter une ville", "ar": "إضافة مدينة"},
    "manage.history": {"en": "History", "fr": "Historique", "ar": "السجل"},
    "manage.editor_help": {
        "en": "Columns marked * are required. Add rows at the bottom; select rows to delete them. Lists use |.",
        "fr": "Les colonnes marquées * sont obligatoires. Ajoutez des lignes en bas ; sélectionnez des lignes "
              "pour les supprimer. Les listes utilisent |.",
        "ar": "الأعمدة المعلّمة بـ * إلزامية. أضف الصفوف في الأسفل؛ حدّد صفوفاً لحذفها. تُفصل القوائم بـ |.",
    },
    "manage.pending": {"en": "Unsaved: {added} added, {changed} changed, {removed} removed.",
                       "fr": "Non enregistré : {added} ajoutée(s), {changed} modifiée(s), {removed} supprimée(s).",
                       "ar": "غير محفوظ: {added} مضاف، {changed} معدّل، {removed} محذوف."},
    "manage.save": {"en": "Validate and save", "fr": "Valider et enregistrer", "ar": "تحقق واحفظ"},
    "manage.discard": {"en": "Discard changes and reload", "fr": "Annuler et recharger", "ar": "تجاهل التغييرات وإعادة التحميل"},
    "manage.saved": {"en": "Saved {table}: {added} added, {changed} changed, {removed} removed. Every page shows it now.",
                     "fr": "{table} enregistrée : {added} ajoutée(s), {changed} modifiée(s), {removed} supprimée(s). "
                           "Toutes les pages l'affichent désormais.",
                     "ar": "تم حفظ {table}: {added} مضاف، {changed} معدّل، {removed} محذوف. تعرضه كل الصفحات الآن."},
    "manage.refused": {"en": "Not saved: nothing was changed.", "fr": "Non enregistré : rien n'a été modifié.",
                       "ar": "لم يُحفظ: لم يتغير شيء."},
    "manage.conflict_help": {
        "en": "Copy your changes somewhere, reload the table, apply them again and save.",
        "fr": "Copiez vos modifications, rechargez la table, appliquez-les de nouveau puis enregistrez.",
        "ar": "انسخ تغييراتك، وأعد تحميل الجدول، ثم طبّقها من جديد واحفظ.",
    },
    "manage.no_changes": {"en": "No changes to save.", "fr": "Aucune modification à enregistrer.",
                          "ar": "لا توجد تغييرات للحفظ."},
    "manage.upload_help": {
        "en": "Excel's CSV files are accepted: UTF-8 (with or without BOM), ; separators and decimal commas, "
              "Arabic Windows encoding (cp1256). The preview checks the file before anything is saved; a file that "
              "holds only some rows (a filtered download) can update just those rows.",
        "fr": "Les CSV d'Excel sont acceptés : UTF-8 (avec ou sans BOM), séparateurs ; et virgules décimales, "
              "encodage arabe Windows (cp1256). L'aperçu vérifie le fichier avant tout enregistrement ; un fichier qui "
              "ne contient que certaines lignes (un téléchargement filtré) peut mettre à jour ces lignes seulement.",
        "ar": "تُقبل ملفات CSV من Excel: UTF-8 (مع BOM أو بدونه)، والفاصل ; والفاصلة العشرية، وترميز ويندوز العربي "
              "(cp1256). تتحقق المعاينة من الملف قبل أي حفظ؛ ويمكن لملف يحتوي على بعض الصفوف فقط (تنزيل مُصفّى) "
              "أن يحدّث تلك الصفوف وحدها.",
    },
    "manage.preview": {"en": "Preview: {added} added, {changed} changed, {removed} removed",
                       "fr": "Aperçu : {added} ajoutée(s), {changed} modifiée(s), {removed} supprimée(s)",
                       "ar": "معاينة: {added} مضاف، {changed} معدّل، {removed} محذوف"},
    "manage.cells_changed": {"en": "Cells changed", "fr": "Cellules modifiées", "ar": "الخلايا المعدّلة"},
    "manage.save_upload": {"en": "Replace {table} with this file", "fr": "Remplacer {table} par ce fichier",
                           "ar": "استبدال {table} بهذا الملف"},
    "manage.save_update": {"en": "Update {n} row(s) of {table}", "fr": "Mettre à jour {n} ligne(s) de {table}",
                           "ar": "تحديث {n} صف/صفوف في {table}"},
    "manage.wrong_table": {
        "en": "This looks like {file}; choose the {title} table, or pick the right file.",
        "fr": "Ce fichier ressemble à {file} ; choisissez la table {title}, ou choisissez le bon fichier.",
        "ar": "يبدو أن هذا الملف هو {file}؛ اختر جدول {title}، أو اختر الملف الصحيح.",
    },
    "manage.filtered_file": {
        "en": "This file holds {n} of the {total} rows of {table}: it looks like a filtered download.",
        "fr": "Ce fichier contient {n} des {total} lignes de {table} : il ressemble à un téléchargement filtré.",
        "ar": "يحتوي هذا الملف على {n} من أصل {total} صفاً في {table}: يبدو أنه تنزيل مُصفّى.",
    },
    "manage.upload_mode": {"en": "What should this file do?", "fr": "Que doit faire ce fichier ?",
                           "ar": "ماذا يجب أن يفعل هذا الملف؟"},
    "manage.mode_update": {
        "en": "Update these rows: rows with the same id are replaced, new ids are added, nothing is deleted",
        "fr": "Mettre à jour ces lignes : les lignes de même id sont remplacées, les nouveaux id ajoutés, "
              "rien n'est supprimé",
        "ar": "تحديث هذه الصفوف: تُستبدل الصفوف ذات المعرّف نفسه، وتُضاف المعرّفات الجديدة، ولا يُحذف شيء",
    },
    "manage.mode_replace": {
        "en": "Replace the whole table: rows this file does not hold are deleted",
        "fr": "Remplacer toute la table : les lignes absentes de ce fichier sont supprimées",
        "ar": "استبدال الجدول كله: تُحذف الصفوف غير الموجودة في هذا الملف",
    },
    "manage.preview_errors": {
        "en": "{n} error(s) to fix before this file can be saved (checked with every table):",
        "fr": "{n} erreur(s) à corriger avant de pouvoir enregistrer ce fichier (vérifié avec toutes les tables) :",
        "ar": "{n} خطأ يجب تصحيحه قبل أن يمكن حفظ هذا الملف (تم التحقق مع كل الجداول):",
    },
    "manage.preview_valid": {
        "en": "Checked with every table: the data stays valid with this file.",
        "fr": "Vérifié avec toutes les tables : les données restent valides avec ce fichier.",
        "ar": "تم التحقق مع كل الجداول: تبقى البيانات صالحة مع هذا الملف.",
    },
    "manage.preview_warnings": {
        "en": "{n} warning(s): worth a look, they do not stop the save.",
        "fr": "{n} avertissement(s) : à vérifier, ils n'empêchent pas l'enregistrement.",
        "ar": "{n} تحذير: يستحق المراجعة، ولا يمنع الحفظ.",
    },
    "manage.dropped_columns": {
        "en": "Columns the schema does not know are left out when saving: {columns}.",
        "fr": "Les colonnes que le schéma ne connaît pas seront omises à l'enregistrement : {columns}.",
        "ar": "الأعمدة التي لا يعرفها المخطط تُستبعد عند الحفظ: {columns}.",
    },
    "manage.added_rows": {"en": "Rows added: {ids}", "fr": "Lignes ajoutées : {ids}", "ar": "الصفوف المضافة: {ids}"},
    "manage.removals": {"en": "This save deletes {n} row(s):", "fr": "Cet enregistrement supprime {n} ligne(s) :",
                        "ar": "يحذف هذا الحفظ {n} صف/صفوف:"},
    "manage.confirm_removals": {"en": "Yes, delete these {n} rows: {ids}",
                                "fr": "Oui, supprimer ces {n} lignes : {ids}",
                                "ar": "نعم، احذف هذه الصفوف ({n}): {ids}"},
    "manage.confirm_needed": {
        "en": "Not saved until you tick the box above: a replacement deletes these rows. "
              "To keep them, choose “Update these rows”.",
        "fr": "Rien n'est enregistré tant que la case ci-dessus n'est pas cochée : un remplacement supprime ces "
              "lignes. Pour les garder, choisissez « Mettre à jour ces lignes ».",
        "ar": "لن يُحفظ شيء قبل أن تحدّد المربع أعلاه: الاستبدال يحذف هذه الصفوف. "
              "للإبقاء عليها، اختر «تحديث هذه الصفوف».",
    },
    "manage.deleting": {"en": "Deletes: {ids}", "fr": "Supprime : {ids}", "ar": "يحذف: {ids}"},
    "manage.col_id": {"en": "id", "fr": "id", "ar": "المعرّف"},
    "manage.col_name": {"en": "name", "fr": "nom", "ar": "الاسم"},
    "manage.col_column": {"en": "column", "fr": "colonne", "ar": "العمود"},
    "manage.col_old": {"en": "old", "fr": "avant", "ar": "القيمة السابقة"},
    "manage.col_new": {"en": "new", "fr": "après", "ar": "القيمة الجديدة"},
    "manage.col_file": {"en": "file", "fr": "fichier", "ar": "الملف"},
    "manage.col_row": {"en": "row", "fr": "ligne", "ar": "الصف"},
    "manage.col_problem": {"en": "problem", "fr": "problème", "ar": "المشكلة"},
    "manage.city_name": {"en": "City name (as in the gazetteer, e.g. Nador)", "fr": "Nom de la ville (ex. Nador)",
                         "ar": "اسم المدينة (مثل Nador)"},
    "manage.city_country": {"en": "Country", "fr": "Pays", "ar": "البلد"},
    "manage.city_found": {"en": "Found {n} match(es) in the offline gazetteer.",
                          "fr": "{n} correspondance(s) dans le répertoire hors ligne.",
                          "ar": "تم العثور على {n} نتيجة في الدليل الجغرافي دون اتصال."},
    "manage.city_not_found": {"en": "Not in the offline gazetteer (exact name). Enter the coordinates by hand.",
                              "fr": "Absent du répertoire hors ligne (nom exact). Saisissez les coordonnées.",
                              "ar": "غير موجود في الدليل الجغرافي (الاسم المطابق). أدخل الإحداثيات يدوياً."},
    "manage.city_add": {"en": "Add this city", "fr": "Ajouter cette ville", "ar": "إضافة هذه المدينة"},
    "manage.restore": {"en": "Restore the version before this save", "fr": "Restaurer la version d'avant",
                       "ar": "استعادة النسخة السابقة لهذا الحفظ"},
    "manage.no_history": {"en": "No saves yet.", "fr": "Aucun enregistrement pour l'instant.", "ar": "لا توجد عمليات حفظ بعد."},
    # presentation and polls
    "page.present": {"en": "Present", "fr": "Présenter", "ar": "العرض"},
    "page.vote": {"en": "Your view", "fr": "Votre avis", "ar": "رأيك"},
    "present.previous": {"en": "Previous", "fr": "Précédent", "ar": "السابق"},
    "present.next": {"en": "Next", "fr": "Suivant", "ar": "التالي"},
    "present.counter": {"en": "Scene {n} of {total}", "fr": "Scène {n} sur {total}", "ar": "المشهد {n} من {total}"},
    "present.scan": {"en": "Scan to open this view", "fr": "Scannez pour ouvrir cette vue", "ar": "امسح الرمز لفتح هذا العرض"},
    "present.scan_closed": {"en": "The poll is closed: the code shows it, but takes no answers",
                            "fr": "Le vote est clos : le code l'affiche, sans prendre de réponses",
                            "ar": "التصويت مغلق: يعرضه الرمز لكنه لا يقبل إجابات"},
    "present.scan_vote": {"en": "Scan to answer", "fr": "Scannez pour répondre", "ar": "امسح الرمز للإجابة"},
    "present.note": {"en": "Speaker note", "fr": "Note pour l'animation", "ar": "ملاحظة للميسّر"},
    "present.facilitator": {"en": "Facilitator", "fr": "Animation", "ar": "الميسّر"},
    "present.localhost": {
        "en": "Phones cannot open this address: it names this laptop only. Start the app with "
              "MC2CM_PUBLIC_URL set to the address phones reach, or type it in the Facilitator panel below.",
        "fr": "Les téléphones ne peuvent pas ouvrir cette adresse : elle ne désigne que cet ordinateur. Lancez "
              "l'application avec MC2CM_PUBLIC_URL réglé sur l'adresse que les téléphones atteignent, ou saisissez-la "
              "dans le panneau Animation ci-dessous.",
        "ar": "لا تستطيع الهواتف فتح هذا العنوان: فهو يشير إلى هذا الحاسوب وحده. شغّل التطبيق مع ضبط "
              "MC2CM_PUBLIC_URL على العنوان الذي تصل إليه الهواتف، أو اكتبه في لوحة الميسّر أدناه.",
    },
    "present.public_url": {"en": "Public address phones can reach", "fr": "Adresse publique accessible aux téléphones",
                           "ar": "العنوان العام الذي تصل إليه الهواتف"},
    "present.keys": {"en": "Keys: ← → or Page Up / Page Down (presentation clickers).",
                     "fr": "Touches : ← → ou Page préc. / Page suiv. (télécommandes de présentation).",
                     "ar": "المفاتيح: ← → أو Page Up / Page Down (أجهزة التحكم بالعرض)."},
    "present.empty": {"en": "There are no scenes: add rows to data/scenes.csv.",
                      "fr": "Aucune scène : ajoutez des lignes à data/scenes.csv.",
                      "ar": "لا توجد مشاهد: أضف صفوفاً إلى data/scenes.csv."},
    "poll.open": {"en": "Open the poll", "fr": "Ouvrir le vote", "ar": "فتح التصويت"},
    "poll.close": {"en": "Close the poll", "fr": "Clore le vote", "ar": "إغلاق التصويت"},
    "poll.reset": {"en": "Reset the answers", "fr": "Effacer les réponses", "ar": "مسح الإجابات"},
    "poll.export": {"en": "Results (CSV)", "fr": "Résultats (CSV)", "ar": "النتائج (CSV)"},
    "poll.status_open": {"en": "Open: answers are coming in", "fr": "Ouvert : les réponses arrivent",
                         "ar": "مفتوح: الإجابات تصل"},
    "poll.status_closed": {"en": "Closed", "fr": "Clos", "ar": "مغلق"},
    "poll.voters": {"en": "{n} people answered", "fr": "{n} personnes ont répondu", "ar": "أجاب {n} شخصاً"},
    "poll.unknown": {"en": "This link does not name a poll.", "fr": "Ce lien ne désigne aucun vote.",
                     "ar": "هذا الرابط لا يشير إلى أي تصويت."},
    "poll.closed_info": {"en": "This poll is not open at the moment.", "fr": "Ce vote n'est pas ouvert pour le moment.",
                         "ar": "هذا التصويت غير مفتوح حالياً."},
    "poll.choose": {"en": "Choose up to {n}", "fr": "Choisissez jusqu'à {n}", "ar": "اختر حتى {n}"},
    "poll.choose_one": {"en": "Choose one", "fr": "Choisissez-en un", "ar": "اختر واحداً"},
    "poll.submit": {"en": "Send my answer", "fr": "Envoyer ma réponse", "ar": "إرسال إجابتي"},
    "poll.saved": {"en": "Your answer is saved. You can change it until the poll closes.",
                   "fr": "Votre réponse est enregistrée. Vous pouvez la modifier jusqu'à la clôture du vote.",
                   "ar": "تم حفظ إجابتك. يمكنك تغييرها حتى إغلاق التصويت."},
    "poll.yours": {"en": "Your answer: {choices}", "fr": "Votre réponse : {choices}", "ar": "إجابتك: {choices}"},
    "poll.too_many": {"en": "Many new answers are coming from your network right now. Please try again in a minute.",
                      "fr": "Beaucoup de nouvelles réponses arrivent de votre réseau en ce moment. Réessayez dans une minute.",
                      "ar": "تصل الآن إجابات جديدة كثيرة من شبكتك. يرجى المحاولة مجدداً بعد دقيقة."},
    "poll.crowded": {"en": "{n} answers came from one network address ({addresses} such address(es)). Phones sharing "
                           "a hotspot look like this, but so does a script: compare with the people in the room.",
                     "fr": "{n} réponses viennent d'une même adresse réseau ({addresses} adresse(s) de ce type). "
                           "Des téléphones partageant un point d'accès donnent cela, un script aussi : comparez avec "
                           "le nombre de personnes présentes.",
                     "ar": "وصلت {n} إجابة من عنوان شبكة واحد ({addresses} من هذه العناوين). هكذا تبدو الهواتف التي "
                           "تتشارك نقطة اتصال، وكذلك أي برنامج آلي: قارن بعدد الحاضرين في القاعة."},
    "poll.pick_something": {"en": "Pick at least one option.", "fr": "Choisissez au moins une option.",
                            "ar": "اختر خياراً واحداً على الأقل."},
    # the light ballot page (/ballot)
    "ballot.count": {"en": "{n} of {limit} chosen", "fr": "{n} sur {limit} choisi(s)", "ar": "تم اختيار {n} من {limit}"},
    "ballot.over_limit": {"en": "You chose {n}; this question takes at most {limit}. Untick {extra} and send again.",
                          "fr": "Vous en avez choisi {n} ; cette question en accepte au plus {limit}. "
                                "Décochez-en {extra} et envoyez à nouveau.",
                          "ar": "اخترت {n}، وهذا السؤال يقبل {limit} على الأكثر. ألغِ اختيار {extra} ثم أرسل مجدداً."},
    "ballot.unknown_option": {"en": "Part of your answer is not an option of this question. Please choose again.",
                              "fr": "Une partie de votre réponse ne fait pas partie des options. Choisissez à nouveau.",
                              "ar": "جزء من إجابتك ليس من خيارات هذا السؤال. يرجى الاختيار مجدداً."},
    "ballot.refused": {"en": "This answer could not be accepted: the form is out of date or your browser did not keep "
                             "its cookie. Open the question again and send your answer from there.",
                       "fr": "Cette réponse n'a pas pu être acceptée : le formulaire est périmé ou votre navigateur n'a "
                             "pas gardé son cookie. Rouvrez la question et envoyez votre réponse depuis la page.",
                       "ar": "تعذّر قبول هذه الإجابة: النموذج قديم أو لم يحتفظ متصفحك بملف تعريف الارتباط. "
                             "افتح السؤال مجدداً وأرسل إجابتك من هناك."},
    "ballot.error": {"en": "Something went wrong on our side, and your answer may not be saved. Please try again "
                           "in a moment.",
                     "fr": "Un problème est survenu de notre côté ; votre réponse n'est peut-être pas enregistrée. "
                           "Réessayez dans un instant.",
                     "ar": "حدث خطأ من جهتنا، وقد لا تكون إجابتك محفوظة. يرجى المحاولة مجدداً بعد قليل."},
    "ballot.not_sent": {"en": "Not sent: the connection failed. Your choices are still ticked; send again.",
                        "fr": "Non envoyé : la connexion a échoué. Vos choix restent cochés ; renvoyez.",
                        "ar": "لم تُرسل: انقطع الاتصال. ما زالت اختياراتك محددة؛ أعد الإرسال."},
    "ballot.back": {"en": "Back to the question", "fr": "Retour à la question", "ar": "العودة إلى السؤال"},
    "ballot.not_found": {"en": "Poll not found", "fr": "Vote introuvable", "ar": "التصويت غير موجود"},
    "ballot.problem": {"en": "Your answer was not sent", "fr": "Votre réponse n'a pas été envoyée",
                       "ar": "لم تُرسَل إجابتك"},
}

def normalise_lang(value: object) -> str | None:
    """``"fr-FR"`` → ``"fr"``; anything unknown → ``None``."""
    if not isinstance(value, str) or not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else None


def accepted_lang(header: str | None) -> str | None:
    """The best of our languages in an ``Accept-Language`` header (q-values honoured), else None."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((header or "").split(",")[:50]):
        tag, _, params = part.partition(";")
        lang = normalise_lang(tag)
        if lang is None:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or (quality, -position) > best[:2]):
            best = (quality, -position, lang)
    return best[2] if best else None


def request_lang(param: object, accept_language: str | None) -> str:
    """A web door's language: the ``lang`` parameter, else the browser's ``Accept-Language``, else English."""
    return normalise_lang(param) or accepted_lang(accept_language) or DEFAULT_LANG


def t(key: str, lang: str, **values: object) -> str:
    """The UI text ``key`` in ``lang`` (English if missing), with ``{values}`` filled in."""
    entry = UI.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text


def label(vocab: str, code: str, lang: str) -> str:
    """The label of a controlled-vocabulary code, from the schema: ``label("area", "emergency_aid", "fr")``."""
    term = current_package().vocabulary(vocab).term(code)
    return term.label(lang) if term is not None else code.replace("_", " ")


def join(items: Iterable[str], lang: str) -> str:
    """A list in words, with the language's comma (Arabic uses "،")."""
    return ("، " if lang == "ar" else ", ").join(item for item in items if item)


def is_rtl(lang: str) -> bool:
    return lang in RTL_LANGS


def babel_locale(lang: str) -> str:
    return _BABEL_LOCALE.get(lang, _BABEL_LOCALE[DEFAULT_LANG])


def fmt_number(value: float, lang: str) -> str:
    return str(format_decimal(value, locale=babel_locale(lang)))


def fmt_date(value: dt.date, lang: str, fmt: str = "long") -> str:
    return str(format_date(value, format=fmt, locale=babel_locale(lang)))


def fmt_moment(value: dt.datetime, lang: str) -> str:
    """A time of day, with the date if it is not today: "14:02", or "3 déc. 2026, 14:02"."""
    if value.date() == dt.datetime.now(value.tzinfo).date():
        return str(format_datetime(value, format="HH:mm", locale=babel_locale(lang)))
    return str(format_datetime(value, format="medium", locale=babel_locale(lang)))


def fmt_date_range(start: dt.date | None, end: dt.date | None, lang: str) -> str:
    if start is None:
        return ""
    if end is None or end == start:
        return fmt_date(start, lang)
    return f"{fmt_date(start, lang)} – {fmt_date(end, lang)}"


def country_name(code: str, lang: str) -> str:
    """CLDR country name, e.g. ``country_name("LB", "ar")`` → ``"لبنان"``."""
    try:
        return str(Locale.parse(babel_locale(lang)).territories.get(code.upper(), code))
    except (ValueError, TypeError):
        return code


def text(row: RowLike, base: str, lang: str) -> str:
    """A row's ``base_<lang>`` text, falling back to English, then French, then Arabic."""
    for candidate in (lang, "en", "fr", "ar"):
        value = row.get(f"{base}_{candidate}")
        if isinstance(value, str) and value:
            return value
    return ""


def text_list(row: RowLike, base: str, lang: str) -> tuple[str, ...]:
    for candidate in (lang, "en", "fr", "ar"):
        value = row.get(f"{base}_{candidate}")
        if isinstance(value, tuple) and value:
            return tuple(str(v) for v in value)
    return ()
