#!/usr/bin/env python3
"""Generate a large, realistic, valid content tree for benchmarks.

    python bench/generate.py --items 20000 --out /tmp/corpus [--seed 1]
    python bench/generate.py --municipality --out /tmp/kommun [--seed 1]

writes ``/tmp/corpus/content/`` for a fictional municipality (Ekbacka kommun) with
up to 14 committees, one file per item, ``items`` files in all (configuration
included). Every committee gets the same mix of items, scaled to fill ``items``:

* committee goals under the four shared council goals (fokusmål),
* assignments (~20 per 219 files), measures (~40, some with two parents),
* indicators (~30) with values per year and, for about half, a gender split,
* steering documents, a verksamhetsplan (``document``) listing the committee's
  goals, with its introduction (a ``section`` .md file), budget and calendar,
* follow-ups for 2025-04 and 2025-08 of its assignments and measures, every
  status with the fields the model requires.

With ``--municipality`` it writes instead a large municipality as one build meets it:
20 committees and companies (``MUNICIPALITY_UNITS``), each with a small plan of its
own (``MUNICIPALITY_NUMBERS``), its verksamhetsplan with a cover memo, and two interim
reports (delårsrapporter per april and august, kind ``uppfoljning``) with the
follow-ups of every assignment and measure for both periods: 80 documents in all,
built with styrdok's own schemas and templates.

Text is Swedish-looking prose assembled from word lists with a seeded
``random.Random``: the same ``items`` and ``seed`` give byte-identical files.
The YAML is written by hand (no PyYAML emitter) so 20 000 files take a few
seconds. As a library::

    from bench.generate import generate
    content_dir = generate(20000, Path("/tmp/corpus"), seed=1)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from pathlib import Path

import yaml

# Written into ``out`` so that a later run may safely replace ``out/content``.
MARKER = ".styrdok-bench-corpus"
PERIODS = ("2025-04", "2025-08")
YEAR = 2025
MIN_ITEMS = 40

# --------------------------------------------------------------------------
# Configuration: a copy of content/config/*.yaml (all units), fixed so that the
# corpus does not change when the example content does.
# --------------------------------------------------------------------------

ORGANISATION_YAML = """\
type: organisation
id: organisation
municipality: Ekbacka kommun
administration: Kommunledningsförvaltningen
units:
  - {id: amn, abbreviation: AMN, name: Arbetsmarknadsnämnden, kind: nämnd}
  - {id: ks, abbreviation: KS, name: Kommunstyrelsen, kind: styrelse}
  - {id: osn, abbreviation: OSN, name: Omsorgsnämnden, kind: nämnd}
  - {id: aln, abbreviation: ÄLN, name: Äldrenämnden, kind: nämnd}
  - {id: ubn, abbreviation: UBN, name: Utbildningsnämnden, kind: nämnd}
  - {id: ktn, abbreviation: KTN, name: Kulturnämnden, kind: nämnd}
  - {id: ifn, abbreviation: IFN, name: Idrotts- och fritidsnämnden, kind: nämnd}
  - {id: scn, abbreviation: SCN, name: Socialnämnden, kind: nämnd}
  - {id: pbn, abbreviation: PBN, name: Plan- och byggnadsnämnden, kind: nämnd}
  - {id: vln, abbreviation: VLN, name: Valnämnden, kind: nämnd}
  - {id: gsn, abbreviation: GSN, name: Gatu- och samhällsmiljönämnden, kind: nämnd}
  - {id: ofn, abbreviation: ÖFN, name: Överförmyndarnämnden, kind: nämnd}
  - {id: mhn, abbreviation: MHN, name: Miljö- och hälsoskyddsnämnden, kind: nämnd}
  - {id: ran, abbreviation: RÄN, name: Räddningsnämnden, kind: nämnd}
  - id: arenor-fastigheter
    abbreviation: Ekbacka arenor och fastigheter
    name: Ekbacka arenor och fastigheter AB
    kind: bolag
  - {id: skolfastigheter, abbreviation: Skolfastigheter, name: Skolfastigheter i Ekbacka AB, kind: bolag}
  - {id: ekbacka-parkering, abbreviation: Ekbacka parkering, name: Ekbacka parkering AB, kind: bolag}
  - id: ekbacka-konsert-kongress
    abbreviation: Ekbacka konsert och kongress
    name: Ekbacka konsert och kongress AB
    kind: bolag
  - id: ekbacka-vatten-avfall
    abbreviation: Ekbacka vatten och avfall
    name: Ekbacka vatten och avfall AB
    kind: bolag
  - {id: ekbackahem, abbreviation: Ekbackahem, name: Ekbackahem AB, kind: bolag}
  - id: ekbacka-bostadsformedling
    abbreviation: Ekbacka bostadsförmedling
    name: Ekbacka bostadsförmedling AB
    kind: bolag
groups:
  - {id: alla, label: Alla nämnder och bolag}
"""

_STATUSES = """\
    - id: ej-paborjad
      label: Ej påbörjad
      description: >-
        Arbetet har inte kommit i gång fast det enligt planen borde ha gjort det.
        Kommentaren ska förklara varför och ange det år då arbetet nu väntas vara klart.
      requires: [comment, reason, expected_year]
      done: false
    - id: paborjad
      label: Påbörjad
      description: >-
        Arbetet har startat och följer planen. Kommentaren ska beskriva vad som hittills är
        gjort och ange det år då arbetet väntas vara klart.
      requires: [comment, expected_year]
      done: false
    - id: vantar
      label: Väntar
      description: >-
        Arbetet har inte startat, och det stämmer med planen. Ange det år då arbetet väntas
        vara klart.
      requires: [expected_year]
      done: false
    - id: fardig
      label: Färdig
      description: >-
        Arbetet är genomfört eller har gått över i ordinarie verksamhet. Kommentaren ska
        beskriva vad som har uppnåtts och varför det kan räknas som klart.
      requires: [comment]
      done: true
    - id: stoppad
      label: Stoppad
      description: Arbetet kommer inte att genomföras. Ange varför nämnden avstår.
      requires: [reason]
      done: false
    - id: forsenad
      label: Försenad
      description: >-
        Arbetet har startat men ligger efter planen. Kommentaren ska förklara varför och
        ange det år då arbetet nu väntas vara klart.
      requires: [comment, reason, expected_year]
      done: false
"""

MODEL_YAML = (
    """\
type: model
id: modell
levels:
  - {id: council_goal, label: Fokusmål, plural: Fokusmål, parents: []}
  - {id: committee_goal, label: Nämndmål, plural: Nämndmål, parents: [council_goal]}
  - {id: target_area, label: Målområde, plural: Målområden, parents: []}
origins:
  - {id: kf, label: Kommunfullmäktige, abbreviation: KF}
  - {id: ks, label: Kommunstyrelsen, abbreviation: KS}
  - {id: kvarvarande, label: Kvarvarande uppdrag, abbreviation: Kvarvarande}
target_directions:
  - {id: oka, label: Öka}
  - {id: minska, label: Minska}
  - {id: behall, label: Behåll}
statuses:
  assignment:
"""
    + _STATUSES
    + "  measure:\n"
    + _STATUSES
    + "  goal:\n"
    + _STATUSES
    + """\
assessment_scales:
  goal:
    - {id: helt, label: Helt uppfyllt}
    - {id: i-hog-grad, label: I hög grad uppfyllt}
    - {id: delvis, label: Delvis uppfyllt}
    - {id: ej, label: Ej uppfyllt}
"""
)

_MODEL = yaml.load(MODEL_YAML, Loader=yaml.CSafeLoader)
_ORGANISATION = yaml.load(ORGANISATION_YAML, Loader=yaml.CSafeLoader)
# status id -> the follow-up fields it requires, per item type
REQUIRES = {
    item_type: {status["id"]: tuple(status["requires"]) for status in statuses}
    for item_type, statuses in _MODEL["statuses"].items()
}
UNITS = {unit["id"]: unit for unit in _ORGANISATION["units"]}
COMPANIES = [unit["id"] for unit in _ORGANISATION["units"] if unit["kind"] == "bolag"]

# --------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------

COUNCIL_GOALS = [
    ("fokusmal-1-ekonomi", "Ekbacka ska ha en ekonomi i balans och en effektiv organisation"),
    ("fokusmal-2-jobb", "Ekbacka ska ha ett starkt näringsliv och fler jobb"),
    ("fokusmal-3-barn-unga", "I Ekbacka ska alla barn och unga få en god start i livet"),
    ("fokusmal-4-trygghet", "Ekbacka ska vara en trygg, hållbar och inkluderande kommun"),
]

# committee id -> (domain phrases, target groups)
DOMAINS: dict[str, tuple[list[str], list[str]]] = {
    "amn": (["andelen invånare som försörjer sig själva", "vägarna till arbete för personer långt från arbetsmarknaden",
             "samverkan med Arbetsförmedlingen", "utbudet av yrkesutbildningar för vuxna", "språkstödet på arbetsplatsen",
             "feriearbetena för ungdomar", "matchningen mellan arbetssökande och arbetsgivare",
             "insatserna inom ekonomiskt bistånd", "den kommunala vuxenutbildningen", "arbetet med lönesubventionerade anställningar"],
            ["arbetssökande", "nyanlända", "unga vuxna", "personer med försörjningsstöd", "arbetsgivare"]),
    "ks": (["den kommunövergripande styrningen", "arbetet med digital transformation", "kommunens arbetsgivarvarumärke",
            "samordningen av upphandlingar", "kommunens krisberedskap", "dialogen med näringslivet",
            "den långsiktiga ekonomiska planeringen", "arbetet mot korruption och oegentligheter", "kommunens klimatarbete",
            "uppföljningen av nämndernas internkontroll"],
           ["invånare", "företagare", "medarbetare", "chefer", "förtroendevalda"]),
    "osn": (["stödet till personer med funktionsnedsättning", "boendet med särskild service", "den dagliga verksamheten",
             "den personliga assistansen", "brukarnas delaktighet i genomförandeplanerna", "kompetensen hos omsorgspersonalen",
             "stödet till anhöriga", "arbetet med välfärdsteknik i omsorgen"],
            ["brukare", "anhöriga", "personer med funktionsnedsättning", "medarbetare"]),
    "aln": (["hemtjänsten", "vård- och omsorgsboendena", "kontinuiteten i hemtjänsten", "det förebyggande arbetet mot fall",
             "måltidsupplevelsen för äldre", "arbetet mot ofrivillig ensamhet", "den palliativa vården",
             "träffpunkterna för seniorer", "samverkan med regionens primärvård"],
            ["äldre", "brukare", "anhöriga", "omsorgspersonal"]),
    "ubn": (["elevernas kunskapsresultat", "närvaron i grundskolan", "likvärdigheten mellan skolorna",
             "elevhälsans förebyggande arbete", "förskolans pedagogiska kvalitet", "övergången mellan förskola och skola",
             "studie- och yrkesvägledningen", "lärarnas kompetensutveckling", "studieron i klassrummen",
             "andelen behöriga lärare"],
            ["elever", "barn", "vårdnadshavare", "lärare", "nyanlända elever"]),
    "ktn": (["kulturutbudet för barn och unga", "bibliotekens öppettider", "det läsfrämjande arbetet",
             "stödet till det fria kulturlivet", "den offentliga konsten", "kulturskolans verksamhet",
             "tillgängligheten till kulturarvet", "arrangemangen under sommarlovet"],
            ["barn och unga", "besökare", "kulturutövare", "låntagare"]),
    "ifn": (["tillgången till idrottsanläggningar", "föreningsbidragen", "spontanidrotten i bostadsområdena",
             "fritidsgårdarnas verksamhet", "badhusens tillgänglighet", "flickors deltagande i idrott",
             "lovaktiviteterna för barn och unga", "samverkan med idrottsföreningarna"],
            ["barn och unga", "föreningar", "flickor", "besökare"]),
    "scn": (["den sociala barn- och ungdomsvården", "stödet till våldsutsatta", "arbetet mot missbruk och beroende",
             "familjebehandlingen", "de tidiga och samordnade insatserna för barn och unga",
             "handläggningstiderna inom socialtjänsten", "samverkan med polisen", "det uppsökande arbetet",
             "familjehemsvården"],
            ["barn och unga", "vårdnadshavare", "våldsutsatta", "klienter", "familjehem"]),
    "pbn": (["handläggningstiderna för bygglov", "detaljplaneringen", "bostadsbyggandet", "den digitala bygglovsprocessen",
             "tillsynen över ovårdade tomter", "kartförsörjningen", "dialogen med byggherrar", "arkitekturen i stadsmiljön"],
            ["sökande", "byggherrar", "fastighetsägare", "invånare"]),
    "vln": (["valdeltagandet", "tillgängligheten i vallokalerna", "rekryteringen av röstmottagare",
             "informationen till förstagångsväljare", "säkerheten vid rösträkningen", "förtidsröstningen"],
            ["väljare", "förstagångsväljare", "röstmottagare"]),
    "gsn": (["gång- och cykelvägnätet", "trafiksäkerheten kring skolorna", "snöröjningen", "parkerna och grönytorna",
             "belysningen i offentliga miljöer", "kollektivtrafikens framkomlighet", "underhållet av gator och broar",
             "städningen av offentliga platser"],
            ["gående", "cyklister", "invånare", "resenärer"]),
    "ofn": (["tillsynen över ställföreträdare", "rekryteringen av gode män", "granskningen av årsräkningar",
             "utbildningen av ställföreträdare", "handläggningen av ärenden om ensamkommande barn",
             "informationen till huvudmän"],
            ["huvudmän", "gode män", "förvaltare", "ensamkommande barn"]),
    "mhn": (["livsmedelskontrollen", "tillsynen över miljöfarlig verksamhet", "arbetet mot buller",
             "luftkvaliteten i centrala Ekbacka", "inventeringen av förorenade områden", "tillsynen över enskilda avlopp",
             "radonmätningarna i bostäder", "rådgivningen till företag i miljöfrågor"],
            ["företagare", "verksamhetsutövare", "fastighetsägare", "invånare"]),
    "ran": (["det förebyggande brandskyddet", "insatstiderna", "utbildningen av allmänheten i brandskydd",
             "samverkan med frivilliga resursgrupper", "tillsynen enligt lagen om skydd mot olyckor",
             "räddningstjänstens beredskap", "det olycksförebyggande arbetet för äldre"],
            ["invånare", "äldre", "verksamhetsutövare", "skolelever"]),
}
COMMITTEES = list(DOMAINS)
COMPANY_DOMAIN = (["fastighetsförvaltningen", "underhållet av lokalerna", "energianvändningen i fastigheterna",
                   "servicen till hyresgästerna", "investeringarna i nya anläggningar", "upphandlingen av entreprenader"],
                  ["hyresgäster", "kunder", "besökare"])


def case_prefix(unit: dict) -> str:
    """The letters a unit's diarienummer starts with: its abbreviation, or a company's initials."""
    abbreviation = unit["abbreviation"]
    return abbreviation if re.fullmatch("[A-ZÅÄÖ]+", abbreviation) else "".join(w[0] for w in unit["name"].split()).upper()


def domain_of(unit: str) -> tuple[list[str], list[str]]:
    """The subject matter and the groups a committee (or, more generally, a company) writes about."""
    return DOMAINS.get(unit, COMPANY_DOMAIN)

GENERIC = [
    "samverkan med civilsamhället", "den digitala servicen till invånarna", "kompetensförsörjningen",
    "arbetsmiljön för medarbetarna", "det systematiska kvalitetsarbetet", "kommunikationen med invånarna",
    "uppföljningen av verksamhetens resultat", "tillgängligheten i lokaler och på webben",
    "arbetet med jämställdhetsintegrering", "arbetet med barnrättsperspektivet", "energieffektiviseringen i lokalerna",
    "resursanvändningen", "informationssäkerheten", "samarbetet mellan förvaltningarna",
]
VERBS = [
    ("utveckla", "utvecklar"), ("stärka", "stärker"), ("förbättra", "förbättrar"), ("se över", "ser över"),
    ("samordna", "samordnar"), ("följa upp", "följer upp"), ("kartlägga", "kartlägger"),
    ("effektivisera", "effektiviserar"), ("digitalisera", "digitaliserar"), ("förenkla", "förenklar"),
    ("tydliggöra", "tydliggör"), ("utvärdera", "utvärderar"), ("bredda", "breddar"), ("prioritera", "prioriterar"),
    ("förstärka", "förstärker"), ("främja", "främjar"), ("vidareutveckla", "vidareutvecklar"),
]
SUBJECTS = ["Nämnden", "Förvaltningen", "Verksamheten", "Kommunen", "Enheten"]
ADVERBIALS = [
    "under planperioden", "i hela kommunen", "inom befintlig budgetram", "i nära dialog med brukarna",
    "tillsammans med berörda nämnder", "i samverkan med regionen", "under 2025", "senast 2026",
    "med stöd av kommunstyrelsen", "utifrån forskning och beprövad erfarenhet", "med särskilt fokus på jämställdhet",
    "i bostadsområden med socioekonomiska utmaningar", "stegvis under året", "i dialog med de fackliga organisationerna",
]
MANNERS = [a for a in ADVERBIALS if not re.search(r"[0-9]|under planperioden|under året", a)]
PURPOSES = [
    "för att fler ska komma i arbete eller studier", "så att invånarna får ett likvärdigt bemötande",
    "för att använda resurserna mer effektivt", "så att verksamheten kan möta ett ökat behov",
    "för att minska skillnaderna mellan kommunens delar", "så att fler barn och unga får en meningsfull fritid",
    "för att stärka tryggheten i kommunen", "för att nå kommunens klimatmål",
    "så att medarbetarna kan ägna mer tid åt kärnuppdraget", "för att underlätta för företag att etablera sig",
]
FREQUENCIES = ["varje tertial", "två gånger per år", "varje kvartal", "löpande under året", "en gång per år"]
REPORTS = ["delårsrapporten", "årsredovisningen", "verksamhetsberättelsen", "tertialrapporten"]
WHENS = ["under 2025", "senast 2026", "före utgången av 2027", "inom planperioden"]
OUTCOMES = ["ökad trygghet", "ökad självförsörjning", "en hållbar utveckling", "bättre hälsa", "större delaktighet",
            "minskade klimatutsläpp", "en god ekonomisk hushållning", "ett jämlikt Ekbacka"]
OFFERS = ["utbildning", "vägledning", "individuellt stöd", "digitala tjänster", "rådgivning", "information"]
EFFECTS = ["Bättre kvalitet i {o}.", "Ökad nöjdhet med {o}.", "Mer likvärdig tillgång till {o}.",
           "Tydligare uppföljning av {o}.", "Fler {g} tar del av {o}.", "Minskade kostnader för {o}.",
           "Kortare väntetider inom {o}.", "Ökad delaktighet för {g}."]
STEERING_KINDS = ["Program", "Policy", "Plan", "Riktlinje", "Handlingsplan", "Strategi"]
SOURCES = ["Kolada", "SCB", "Egen uppföljning", "Skolverket", "Socialstyrelsen", "Arbetsförmedlingen",
           "Medarbetarenkät", "Brukarundersökning", "Försäkringskassan"]
FIRST_NAMES = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Ahmed", "Fatima",
               "Mikael", "Elin", "Nils", "Leila", "Oskar", "Ingrid", "Per", "Amira", "Jonas"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
              "Svensson", "Gustafsson", "Lindberg", "Hassan", "Berg", "Lundqvist", "Holm", "Ali", "Sandberg"]
TITLES = ["Förvaltningsdirektör", "Förvaltningschef", "Avdelningschef", "Biträdande förvaltningschef"]
MONTHS = ["Januari", "Februari", "Mars", "April", "Maj", "Juni", "Augusti", "September", "Oktober",
          "November", "December"]

# follow-up status weights per period: (status, weight)
STATUS_WEIGHTS = {
    "2025-04": [("vantar", 20), ("paborjad", 45), ("ej-paborjad", 10), ("forsenad", 10), ("fardig", 10), ("stoppad", 5)],
    "2025-08": [("vantar", 5), ("paborjad", 40), ("ej-paborjad", 5), ("forsenad", 15), ("fardig", 27), ("stoppad", 8)],
}

# proportions per committee, per 219 files
WEIGHTS = {"goals": 5, "steering": 4, "assignments": 20, "measures": 40, "indicators": 30}
FOLLOW_UP_WEIGHT = 120
PER_COMMITTEE_FIXED = 4  # document, section, budget, calendar
MUNICIPALITY_UNITS = 20  # the 14 committees and the first 6 companies
MUNICIPALITY_NUMBERS = {"goals": 3, "steering": 1, "assignments": 2, "measures": 4, "indicators": 2}

# --------------------------------------------------------------------------
# YAML writing
# --------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-zÅÄÖåäöÉé][^\n:#]*\Z")
_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")
_KEYWORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def q(value, in_flow: bool = False) -> str:
    """One scalar: plain when that is safe and stays a string, else double-quoted."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    if (_PLAIN.match(value) and not value.endswith(" ") and value.lower() not in _KEYWORDS
            and not (in_flow and _FLOW_INDICATORS.search(value))):
        return value
    return json.dumps(value, ensure_ascii=False)


def flow(values) -> str:
    """A flow list of ids or numbers: ``[a, b]``."""
    return "[" + ", ".join(q(v, in_flow=True) for v in values) + "]"


def block(key: str, text: str, indent: str = "") -> str:
    """``key: |`` and the text, indented two more spaces (empty lines left empty)."""
    inner = indent + "  "
    body = "\n".join(inner + line if line else "" for line in text.rstrip("\n").split("\n"))
    return f"{indent}{key}: |\n{body}\n"


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------

_SLUG_TABLE = str.maketrans("åäöéÅÄÖÉ", "aaoeaaoe")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, words: int = 4) -> str:
    parts = [p for p in _NON_SLUG.split(text.lower().translate(_SLUG_TABLE)) if p]
    return "-".join(parts[:words])[:40].strip("-")


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Writer:
    """Random Swedish prose for one committee's domain."""

    def __init__(self, rng: random.Random, committee: str):
        self.rng = rng
        domain, groups = domain_of(committee)
        self.objects = domain * 3 + GENERIC  # mostly the committee's own subject matter
        self.groups = groups + ["invånare", "medarbetare"]

    def obj(self) -> str:
        return self.rng.choice(self.objects)

    def group(self) -> str:
        return self.rng.choice(self.groups)

    def emph(self, text: str) -> str:
        """Sometimes *emphasise* a phrase, as staff do."""
        roll = self.rng.random()
        if roll < 0.05:
            return f"*{text}*"
        if roll < 0.08:
            return f"**{text}**"
        return text

    def sentence(self) -> str:
        r = self.rng
        verb, present = r.choice(VERBS)
        kind = r.randrange(11)
        if kind == 0:
            return f"{r.choice(SUBJECTS)} ska {verb} {self.emph(self.obj())} {r.choice(ADVERBIALS)}."
        if kind == 1:
            return f"Under {r.randint(2024, 2026)} {present} {r.choice(SUBJECTS).lower()} {self.obj()} {r.choice(PURPOSES)}."
        if kind == 2:
            return f"Arbetet omfattar {self.obj()} och {self.emph(self.obj())}."
        if kind == 3:
            return f"{r.choice(SUBJECTS)} {present} {self.obj()} {r.choice(ADVERBIALS)}, {r.choice(PURPOSES)}."
        if kind == 4:
            return f"En viktig del är att {verb} {self.obj()}."
        if kind == 5:
            return (f"Behovet av insatser har ökat de senaste åren, och {r.choice(SUBJECTS).lower()} behöver därför "
                    f"{verb} {self.obj()}.")
        if kind == 6:
            return f"Resultaten följs upp {r.choice(FREQUENCIES)} och redovisas i {r.choice(REPORTS)}."
        if kind == 7:
            return f"Arbetet bedrivs {r.choice(MANNERS)} och ska vara klart {r.choice(WHENS)}."
        if kind == 8:
            return (f"Sedan {r.randint(2018, 2023)} har {self.obj()} förbättrats, men skillnaderna mellan "
                    f"{self.group()} och {self.group()} är fortfarande stora.")
        if kind == 9:
            return f"Målet är att {verb} {self.obj()} {r.choice(PURPOSES)}."
        return f"Andelen {self.group()} som är nöjda med {self.obj()} var {r.randint(41, 93)} procent {r.randint(2022, 2024)}."

    def paragraph(self, low: int = 2, high: int = 4) -> str:
        text = " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))
        if self.rng.random() < 0.04:
            text += f" Läs mer på [ekbacka.se](https://www.ekbacka.se/{slug(self.obj(), 3)})."
        return text

    def wrap(self, text: str, width: int = 88) -> str:
        lines, line = [], ""
        for word in text.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        return "\n".join(lines)

    def markdown(self, paragraphs: tuple[int, int] = (1, 3)) -> str:
        """Block Markdown: a few wrapped paragraphs, sometimes a bullet list or a footnote."""
        r = self.rng
        parts = [self.wrap(self.paragraph()) for _ in range(r.randint(*paragraphs))]
        if r.random() < 0.25:
            bullets = "\n".join(f"- {cap(self.obj())}" for _ in range(r.randint(2, 5)))
            parts.insert(1, "Arbetet omfattar särskilt:\n\n" + bullets)
        if r.random() < 0.03:
            parts[0] += "[^1]"
            parts.append(f"[^1]: Källa: {r.choice(SOURCES)}, {r.randint(2022, 2024)}.")
        return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------
# The plan: how many of each, per committee
# --------------------------------------------------------------------------


def plan(items: int) -> tuple[list[str], list[dict]]:
    """The committees and, for each, how many items of each kind (sums to ``items``)."""
    if items < MIN_ITEMS:
        raise ValueError(f"items must be at least {MIN_ITEMS}")
    fixed = 2 + len(COUNCIL_GOALS)
    count = max(1, min(len(COMMITTEES), (items - fixed) // 30))
    committees = COMMITTEES[:count]
    rest = items - fixed - count * PER_COMMITTEE_FIXED
    total_weight = sum(WEIGHTS.values()) + FOLLOW_UP_WEIGHT
    plans = []
    for position in range(count):
        share = rest // count + (1 if position < rest % count else 0)
        numbers = {kind: max(1, round(share * weight / total_weight)) for kind, weight in WEIGHTS.items()}
        follow_ups = share - sum(numbers.values())
        most = len(PERIODS) * (numbers["assignments"] + numbers["measures"])
        if follow_ups > most:
            numbers["indicators"] += follow_ups - most
            follow_ups = most
        numbers["follow_ups"] = follow_ups
        plans.append(numbers)
    return committees, plans


# --------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------


class Corpus:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.files: list[tuple[str, str]] = []  # (relative path, text)
        self.assignment_number = 0

    def add(self, path: str, text: str) -> None:
        self.files.append((path, text))

    # -- shared ----------------------------------------------------------

    def config(self) -> None:
        self.add("config/organisation.yaml", ORGANISATION_YAML)
        self.add("config/model.yaml", MODEL_YAML)

    def council_goals(self) -> None:
        w = Writer(self.rng, "ks")
        for number, (goal_id, title) in enumerate(COUNCIL_GOALS, 1):
            text = f"type: goal\nid: {goal_id}\nlevel: council_goal\nnumber: {q(str(number))}\ntitle: {q(title)}\n"
            text += block("description", w.markdown((2, 3)))
            text += "parents: []\n"
            self.add(f"mal/{goal_id}.yaml", text)

    # -- per committee ---------------------------------------------------

    def committee(self, committee: str, numbers: dict) -> None:
        r = self.rng
        w = Writer(r, committee)
        unit = UNITS[committee]
        goals = self.committee_goals(committee, w, numbers["goals"])
        steering = self.steering_documents(committee, w, numbers["steering"])
        assignments = self.assignments(committee, w, numbers["assignments"], goals)
        measures = self.measures(committee, w, numbers["measures"], assignments, goals, steering)
        self.indicators(committee, w, numbers["indicators"], goals)
        self.follow_ups(w, numbers["follow_ups"], assignments, measures)
        self.document(committee, unit, w, [g for g, _ in goals])
        if numbers.get("interim_reports"):
            self.interim_reports(committee, unit, w, [g for g, _ in goals])

    def committee_goals(self, committee: str, w: Writer, count: int) -> list[tuple[str, str]]:
        """Goals as (id, council goal id)."""
        r = self.rng
        goals = []
        for index in range(count):
            council_index = index % len(COUNCIL_GOALS)
            council = COUNCIL_GOALS[council_index][0]
            o = w.obj()
            title = r.choice([
                f"{cap(o)} ska hålla hög kvalitet",
                f"{cap(o)} ska bidra till {r.choice(OUTCOMES)}",
                f"Fler {w.group()} ska vara nöjda med {o}",
                f"Nämnden ska {r.choice(VERBS)[0]} {o}",
                f"{cap(o)} ska utvecklas {r.choice(ADVERBIALS)}",
            ])
            goal_id = f"nmal-{committee}-{index + 1}-{slug(o, 3)}"
            number = f"N{council_index + 1}.{index // len(COUNCIL_GOALS) + 1}"
            text = f"type: goal\nid: {goal_id}\nlevel: committee_goal\nnumber: {q(number)}\ntitle: {q(title)}\n"
            if r.random() < 0.6:
                text += block("description", w.markdown((1, 2)))
            parents = [council]
            if r.random() < 0.1:
                other = COUNCIL_GOALS[(council_index + 1) % len(COUNCIL_GOALS)][0]
                parents.append(other)
            text += f"parents: {flow(parents)}\n"
            self.add(f"mal/{goal_id}.yaml", text)
            goals.append((goal_id, council))
        return goals

    def steering_documents(self, committee: str, w: Writer, count: int) -> list[str]:
        r = self.rng
        ids = []
        for index in range(count):
            kind = r.choice(STEERING_KINDS)
            o = w.obj()
            title = f"{kind} för {o}"
            doc_id = f"{slug(kind, 1)}-{committee}-{index + 1}-{slug(o, 3)}"
            text = f"type: steering_document\nid: {doc_id}\ntitle: {q(title)}\nkind: {kind}\n"
            text += f"adopted_by: {q(r.choice(['KF', 'KS', UNITS[committee]['abbreviation']]))}\n"
            text += f"year: {r.randint(2014, 2024)}\n"
            if r.random() < 0.5:
                text += f"url: https://www.ekbacka.se/styrdokument/{doc_id}\n"
            self.add(f"styrdokument/{doc_id}.yaml", text)
            ids.append(doc_id)
        return ids

    def assignments(self, committee: str, w: Writer, count: int, goals: list[tuple[str, str]]) -> list[str]:
        r = self.rng
        ids = []
        for index in range(count):
            self.assignment_number += 1
            verb = r.choice(VERBS)[0]
            o = w.obj()
            title = r.choice([
                f"{cap(verb)} {o} {r.choice(PURPOSES)}.",
                f"Ta fram en handlingsplan för {o}.",
                f"Utreda förutsättningarna att {verb} {o}.",
                f"Öka samverkan kring {o}.",
                f"{cap(verb)} {o} {r.choice(ADVERBIALS)}.",
            ])
            assignment_id = f"uppdrag-{committee}-{index + 1}-{slug(o, 3)}"
            origin = r.choices(["kf", "ks", "kvarvarande"], [5, 3, 2])[0]
            text = (f"type: assignment\nid: {assignment_id}\nnumber: {q(str(self.assignment_number))}\n"
                    f"year: {YEAR}\norigin: {origin}\n")
            if origin == "kvarvarande":
                text += f"original_year: {r.randint(2021, 2024)}\n"
            text += f"title: {q(title)}\n"
            committees = [committee]
            roll = r.random()
            if roll < 0.08:
                committees = ["alla"] if committee == "ks" else [committee, "alla"]
            elif roll < 0.25:
                committees.append(r.choice([c for c in COMMITTEES + COMPANIES if c != committee]))
            text += f"committees: {flow(committees)}\n"
            text += block("description", w.markdown((1, 3)))
            goal, council = goals[index % len(goals)]
            parents = [council, goal] if r.random() < 0.3 else [goal]
            text += f"parents: {flow(parents)}\n"
            self.add(f"uppdrag/{assignment_id}.yaml", text)
            ids.append(assignment_id)
        return ids

    def measures(self, committee: str, w: Writer, count: int, assignments: list[str],
                 goals: list[tuple[str, str]], steering: list[str]) -> list[str]:
        r = self.rng
        ids = []
        for index in range(count):
            verb = r.choice(VERBS)[0]
            o = w.obj()
            sentence = r.choice([
                f"{cap(verb)} {o} {r.choice(ADVERBIALS)}.",
                f"Genomföra en kartläggning av {o}.",
                f"Införa ett nytt arbetssätt för {o}, {r.choice(PURPOSES)}.",
                f"Erbjuda {w.group()} {r.choice(OFFERS)} kopplat till {o}.",
                f"{cap(verb)} {o} och {w.obj()}.",
            ])
            if r.random() < 0.3:
                sentence += " " + w.sentence()
            measure_id = f"atgard-{committee}-{index + 1}-{slug(o, 3)}"
            text = f"type: measure\nid: {measure_id}\ntext: {q(sentence)}\n"
            text += "expected_effects:\n" + "".join(
                f"  - {q(r.choice(EFFECTS).format(o=w.obj(), g=w.group()))}\n" for _ in range(r.randint(1, 3))
            )
            if steering and r.random() < 0.6:
                text += f"steering_documents: {flow(r.sample(steering, min(len(steering), r.randint(1, 2))))}\n"
            if r.random() < 0.5:
                start = r.randint(2022, 2025)
                text += f"years: {{from: {start}, to: {start + r.randint(1, 3)}}}\n"
            roll = r.random()
            assignment = assignments[index % len(assignments)]
            if roll < 0.10:
                parents = [r.choice(goals)[0]]
            elif roll < 0.22 and len(assignments) > 1:
                parents = [assignment, assignments[(index + 1 + r.randrange(len(assignments) - 1)) % len(assignments)]]
            elif roll < 0.32:
                parents = [assignment, r.choice(goals)[0]]
            else:
                parents = [assignment]
            text += f"parents: {flow(parents)}\n"
            if r.random() < 0.2:
                text += f"order: {10 * r.randint(1, 9)}\n"
            if r.random() < 0.25:
                text += "activities:\n" + "".join(
                    f"  - {q(cap(r.choice(VERBS)[0]) + ' ' + w.obj() + '.')}\n" for _ in range(r.randint(2, 4))
                )
            self.add(f"atgarder/{measure_id}.yaml", text)
            ids.append(measure_id)
        return ids

    def indicators(self, committee: str, w: Writer, count: int, goals: list[tuple[str, str]]) -> None:
        r = self.rng
        for index in range(count):
            o, g = w.obj(), w.group()
            unit, name, low, high = r.choice([
                ("procent", f"Andel {g} som är nöjda med {o}", 35.0, 97.0),
                ("antal", f"Antal {g} som tagit del av {o}", 40, 9000),
                ("kronor", f"Kostnad för {o} per invånare", 300, 60000),
                ("dagar", f"Genomsnittlig väntetid inom {o}", 3, 120),
                ("index", f"Nöjd-Kund-Index för {o}", 40.0, 90.0),
                ("procent", f"Andel {g} som har en aktuell plan inom {o}", 20.0, 99.0),
            ])
            indicator_id = f"ind-{committee}-{index + 1}-{slug(name, 4)}"
            text = f"type: indicator\nid: {indicator_id}\nname: {q(name)}\n"
            if r.random() < 0.7:
                text += block("definition", w.wrap(f"{name} under perioden. " + w.sentence()) + "\n")
            split = r.random() < 0.5
            text += f"unit: {unit}\nsource: {q(r.choice(SOURCES))}\ngender_split: {q(split)}\n"
            if r.random() < 0.75:
                text += f"target: {{direction: {r.choice(['oka', 'minska', 'behall'])}}}\n"
            else:
                text += f"target: {{value: {self.number(unit, low, high)}}}\n"
            if r.random() < 0.4:
                value = self.number(unit, low, high)
                text += (f"comparisons:\n  - {{label: {r.choice(['Riket', 'Liknande kommuner', 'Länet'])}, source: Kolada, "
                         f"values: [{{period: \"{r.randint(2022, 2024)}\", total: {value}}}]}}\n")
            goal, council = r.choice(goals)
            parents = [goal, council] if r.random() < 0.15 else [goal]
            text += f"parents: {flow(parents)}\n"
            years = list(range(r.randint(2019, 2023), 2025))
            periods = [str(y) for y in years] + (["2025-04"] if r.random() < 0.3 else [])
            text += "values:\n"
            level = self.number(unit, low, high)
            for period in periods:
                level = self.drift(level, low, high)
                if not split:
                    text += f'  - {{period: "{period}", total: {level}}}\n'
                elif unit == "antal":
                    women = int(level * r.uniform(0.4, 0.6))
                    text += f'  - {{period: "{period}", total: {level}, women: {women}, men: {level - women}}}\n'
                else:
                    women, men = self.drift(level, low, high, 0.12), self.drift(level, low, high, 0.12)
                    text += f'  - {{period: "{period}", total: {level}, women: {women}, men: {men}}}\n'
            self.add(f"indikatorer/{indicator_id}.yaml", text)

    def drift(self, value, low, high, spread: float = 0.08):
        """A value near ``value`` (within ``spread``), kept in [low, high] and of its type."""
        moved = min(high, max(low, value * self.rng.uniform(1 - spread, 1 + spread)))
        return round(moved, 1) if isinstance(low, float) else int(moved)

    def number(self, unit: str, low, high):
        if isinstance(low, float):
            return round(self.rng.uniform(low, high), 1)
        return self.rng.randint(low, high)

    def follow_ups(self, w: Writer, count: int, assignments: list[str], measures: list[str]) -> None:
        """Every item gets 2025-08 first; 2025-04 for as many as the count allows."""
        r = self.rng
        items = [("assignment", i) for i in assignments] + [("measure", i) for i in measures]
        late = items[:count]
        early_count = max(0, count - len(items))
        early = sorted(r.sample(range(len(items)), early_count))
        for period, chosen in (("2025-04", [items[i] for i in early]), ("2025-08", late)):
            statuses, weights = zip(*STATUS_WEIGHTS[period])
            for item_type, item_id in chosen:
                status = r.choices(statuses, weights)[0]
                requires = REQUIRES[item_type][status]
                follow_id = f"{period}-{item_id}"
                text = f"type: follow_up\nid: {follow_id}\nitem: {item_id}\nperiod: {q(period)}\nstatus: {status}\n"
                if "comment" in requires or r.random() < 0.4:
                    text += block("comment", w.markdown((1, 2)))
                if "reason" in requires:
                    text += block("reason", w.wrap(w.paragraph(1, 2)) + "\n")
                if "expected_year" in requires:
                    text += f"expected_year: {r.randint(2025, 2027)}\n"
                self.add(f"uppfoljning/{period}/{follow_id}.yaml", text)

    def document(self, committee: str, unit: dict, w: Writer, goal_ids: list[str]) -> None:
        r = self.rng
        name = unit["name"]
        section_id = f"vp-{YEAR}-{committee}-inledning"
        budget_id = f"budget-{YEAR}-{committee}"
        calendar_id = f"uppfoljningsplan-{YEAR}-{committee}"
        document_id = f"verksamhetsplan-{YEAR}-{committee}"

        body = w.markdown((2, 3)) + "\n## Nämndens ansvar\n\n" + w.markdown((1, 2)) + "\n## Planens uppbyggnad\n\n" + w.markdown((1, 2))
        self.add(f"texter/{section_id}.md", f"---\ntype: section\nid: {section_id}\ntitle: Inledning\n---\n{body}")

        grant = r.randint(40, 4000)
        text = f"type: budget\nid: {budget_id}\ntitle: Budget {YEAR}\n"
        text += block("introduction", w.wrap(f"{name} får ett kommunbidrag på {grant} miljoner kronor {YEAR}. " + w.sentence()) + "\n")
        text += "tables:\n  - title: Nämndens driftbudget\n    caption: Nämndens driftbudget.\n    unit: mnkr\n"
        text += f"    columns: [Budget {YEAR}, Budget {YEAR - 1}, Prognos {YEAR - 1}]\n    rows:\n"
        income = [r.randint(5, 400) for _ in range(3)]
        costs = [-(grant + v + r.randint(-20, 20)) for v in income]
        text += f"      - {{label: Intäkter, values: {flow(income)}}}\n"
        text += f"      - {{label: Summa intäkter, values: {flow(income)}, total: true}}\n"
        text += "      - {label: Kostnader per verksamhet, heading: true}\n"
        activities = domain_of(committee)[0]
        for activity in r.sample(activities, min(4, len(activities))):
            text += f"      - {{label: {q(cap(activity), in_flow=True)}, values: {flow([r.randint(-300, -1) for _ in range(3)])}}}\n"
        text += f"      - {{label: Summa kostnader, values: {flow(costs)}, total: true}}\n"
        text += "      - {label: Finansiella intäkter, values: [null, null, null]}\n"
        self.add(f"dokument/{budget_id}.yaml", text)

        text = f"type: calendar\nid: {calendar_id}\ntitle: Uppföljningsplan\n"
        text += f"caption: Plan för verksamhetsuppföljning vid nämndens sammanträden under {YEAR}.\nmonths:\n"
        for month in MONTHS:
            if month == "Juli":
                continue
            things = r.sample(["Ekonomiska nyckeltal", "Helårsuppföljning av mål, uppdrag och åtgärder",
                               "Tertialrapport", "Internkontrollplan", "Delårsrapport", "Verksamhetsplan och budget",
                               "Redovisning av synpunkter och klagomål", "Uppföljning av indikatorer"], r.randint(1, 3))
            text += f"  - {{month: {month}, items: [{', '.join(things)}]}}\n" if all("," not in t for t in things) else (
                f"  - month: {month}\n    items:\n" + "".join(f"      - {q(t)}\n" for t in things))
        self.add(f"dokument/{calendar_id}.yaml", text)

        person = f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}"
        text = (f"type: document\nid: {document_id}\nkind: verksamhetsplan\ntitle: Verksamhetsplan och budget {YEAR}\n"
                f"subtitle: {q(f'{name} {YEAR}–{YEAR + 2}')}\ncommittee: {committee}\ndate: \"{YEAR - 1}-12-{r.randint(1, 18):02d}\"\n"
                f"diarienummer: {case_prefix(unit)}-{YEAR - 1}-{r.randint(1, 1500):05d}\n"
                f"handlaggare: [{person}, {r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}]\n")
        text += f"contents:\n  - section: {section_id}\n  - goals:\n" + "".join(f"      - {g}\n" for g in goal_ids)
        text += f"  - budget: {budget_id}\n  - steering_documents: true\n  - calendar: {calendar_id}\n"
        text += (f"memo:\n  recipient: {q(name)}\n  decision_intro: {q(name + ' beslutar')}\n  clauses:\n"
                 f"    - anta verksamhetsplan och budget {YEAR} enligt förslaget\n"
                 f"    - överlämna verksamhetsplanen till kommunstyrelsen för kännedom\n")
        text += block("arendet", w.markdown((1, 2)), "  ")
        text += block("beredning", w.markdown((1, 2)), "  ")
        text += block("foredragning", w.markdown((2, 3)), "  ")
        text += block("ekonomiska_konsekvenser", w.wrap(f"Verksamhetsplanen ryms inom kommunbidraget på {grant} miljoner kronor.") + "\n", "  ")
        text += (f"  beslutsunderlag:\n    - Tjänsteskrivelse daterad {r.randint(1, 28)} november {YEAR - 1}\n"
                 f"    - Verksamhetsplan och budget {YEAR}\n"
                 f"  signature: {{name: {person}, title: {r.choice(TITLES)}}}\n")
        text += (f"history:\n  - {{version: \"1.0\", date: \"{YEAR - 2}-12-{r.randint(1, 18):02d}\", description: Antagen av nämnden.}}\n"
                 f"  - {{version: \"2.0\", date: \"{YEAR - 1}-12-{r.randint(1, 18):02d}\", description: Reviderad för {YEAR}.}}\n")
        self.add(f"dokument/{document_id}.yaml", text)


    def interim_reports(self, committee: str, unit: dict, w: Writer, goal_ids: list[str]) -> None:
        """The committee's delårsrapporter per April and August (kind ``uppfoljning``)."""
        r = self.rng
        for period, month in (("2025-04", "april"), ("2025-08", "augusti")):
            document_id = f"delarsrapport-{period}-{committee}"
            person = f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}"
            text = (f"type: document\nid: {document_id}\nkind: uppfoljning\ntitle: Delårsrapport per {month} {YEAR}\n"
                    f"subtitle: {q(unit['name'])}\nperiod: {q(period)}\ncommittee: {committee}\n"
                    f"date: \"{period}-{r.randint(10, 28):02d}\"\n"
                    f"diarienummer: {case_prefix(unit)}-{YEAR}-{r.randint(1, 1500):05d}\nhandlaggare: [{person}]\n")
            text += "contents:\n  - {summary: true}\n  - {status_definitions: true}\n  - goals:\n"
            text += "".join(f"      - {g}\n" for g in goal_ids)
            self.add(f"dokument/{document_id}.yaml", text)


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------


def build_municipality(seed: int = 1) -> list[tuple[str, str]]:
    """The municipality corpus (see the module's docstring) as ``(path, text)`` pairs."""
    corpus = Corpus(seed)
    corpus.config()
    corpus.council_goals()
    for committee in (COMMITTEES + COMPANIES)[:MUNICIPALITY_UNITS]:
        numbers = dict(MUNICIPALITY_NUMBERS)
        numbers["follow_ups"] = len(PERIODS) * (numbers["assignments"] + numbers["measures"])
        numbers["interim_reports"] = True
        corpus.committee(committee, numbers)
    return corpus.files


def build(items: int, seed: int = 1) -> list[tuple[str, str]]:
    """The corpus as ``(path relative to content/, text)`` pairs, exactly ``items`` of them."""
    committees, plans = plan(items)
    corpus = Corpus(seed)
    corpus.config()
    corpus.council_goals()
    for committee, numbers in zip(committees, plans):
        corpus.committee(committee, numbers)
    assert len(corpus.files) == items, (len(corpus.files), items)
    return corpus.files


def generate(items: int | None, out: Path, seed: int = 1) -> Path:
    """Write the corpus of ``items`` files, or the municipality corpus for None, to
    ``out/content/`` (replacing an earlier corpus there); return that directory."""
    out = Path(out)
    content = out / "content"
    if content.exists():
        if not (out / MARKER).exists():
            raise FileExistsError(f"{content} exists and was not written by bench/generate.py; refusing to replace it")
        shutil.rmtree(content)
    files = build(items, seed) if items is not None else build_municipality(seed)
    content.mkdir(parents=True)
    for directory in sorted({path.rpartition("/")[0] for path, _ in files}):
        (content / directory).mkdir(parents=True, exist_ok=True)
    for path, text in files:
        with open(content / path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    (out / MARKER).write_text(f"items={items}\nseed={seed}\n", encoding="utf-8")
    return content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--items", type=int, help=f"number of files to write (at least {MIN_ITEMS})")
    size.add_argument("--municipality", action="store_true", help="20 committees and companies, 80 documents")
    parser.add_argument("--out", type=Path, required=True, help="directory; the tree goes into OUT/content/")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        content = generate(args.items, args.out, args.seed)
    except (ValueError, FileExistsError) as error:
        print(f"generate.py: {error}", file=sys.stderr)
        return 2
    files = sum(1 for path in content.rglob("*") if path.is_file())
    print(f"{files} files in {content} ({time.perf_counter() - start:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
