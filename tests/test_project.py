"""The project file styrdok.yaml: paths, command-line overrides, template lookup, memo
templates and contents depth per kind, branding in every format, and located errors."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.oxml.ns import qn
from pypdf import PdfReader

from styrdok.branding import Presentation
from styrdok.cli import main
from styrdok.project import default_branding
from styrdok.reference_docx import reference_docx

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
BUILTIN = Path(__file__).resolve().parent.parent / "templates"

MEMO = """memo:
  recipient: Arbetsmarknadsnämnden
  decision_intro: Arbetsmarknadsnämnden beslutar
  clauses: [fastställa verksamhetsplanen]
  arendet: Förvaltningen har tagit fram en verksamhetsplan.
  signature: {name: Anna Andersson, title: Förvaltningsdirektör}
"""

BRANDING = """branding:
  municipality: Provstad kommun
  logo:
    file: profil/logotyp.png
    alt: Provstads logotyp
  colours:
    accent: "#a01010"
    table_header: "#f0e0e0"
  font: DejaVu Serif
  word_font: Georgia
"""


@pytest.fixture()
def project(tmp_path) -> Path:
    """A municipality's project: its content in innehall/ (the plan with a memo), own
    templates in mallar/, a logo in profil/, output to ut/."""
    root = tmp_path / "provstad"
    shutil.copytree(MINIMAL, root / "innehall")
    plan = root / "innehall" / "dokument" / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + MEMO, encoding="utf-8")
    (root / "mallar" / "pandoc").mkdir(parents=True)
    (root / "profil").mkdir()
    shutil.copy(FIXTURES / "logo.png", root / "profil" / "logotyp.png")
    write_project(root)
    return root


def write_project(root: Path, extra: str = "") -> Path:
    path = root / "styrdok.yaml"
    path.write_text(f"content: innehall\ntemplates: mallar\noutput: ut\n{extra}", encoding="utf-8")
    return path


def own_template(root: Path, name: str, text: str) -> None:
    (root / "mallar" / name).write_text(text, encoding="utf-8")


def build(*args: str) -> int:
    return main(["build", *args])


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


# ---- paths and options ---------------------------------------------------------------

def test_project_directory_names_content_and_output(project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert build("--project", "provstad", "--format", "md") == 0
    assert sorted(p.name for p in (project / "ut").iterdir()) == [
        "manifest.json", "plan-tjansteskrivelse.md", "plan.md"]
    assert not (tmp_path / "output").exists()


def test_project_file_in_current_directory_is_found(project, monkeypatch):
    monkeypatch.chdir(project)
    assert build("--format", "md") == 0
    assert (project / "ut" / "plan.md").is_file()


def test_command_line_options_override_the_project_file(project, tmp_path, monkeypatch):
    other = tmp_path / "annat-innehall"
    shutil.copytree(project / "innehall", other)
    plan = other / "dokument" / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Verksamhetsplan 2025", "Annan plan 2025"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert build("--project", "provstad/styrdok.yaml", "--content", "annat-innehall", "--output", "annan-utdata",
                 "--format", "md") == 0
    assert 'title: "Annan plan 2025"' in (tmp_path / "annan-utdata" / "plan.md").read_text(encoding="utf-8")
    assert not (project / "ut").exists()


def test_missing_project_file_is_a_usage_error(tmp_path, capsys):
    assert build("--project", str(tmp_path / "saknas.yaml")) == 2
    assert "projektfilen" in capsys.readouterr().err


# ---- templates -------------------------------------------------------------------------

def test_own_template_replaces_one_file_and_the_rest_come_from_styrdok(project):
    """verksamhetsplan.md.j2 is the project's own; the partials it imports are styrdok's."""
    builtin = (BUILTIN / "verksamhetsplan.md.j2").read_text(encoding="utf-8")
    own_template(project, "verksamhetsplan.md.j2", builtin.replace(
        "{% for block in document.contents %}", "Provstads egen inledning.\n\n{% for block in document.contents %}", 1))
    own_template(project, "pandoc/styrdok.css", "body { color: #123456; }\n")
    assert build("--project", str(project), "--format", "md,html") == 0
    markdown = (project / "ut" / "plan.md").read_text(encoding="utf-8")
    assert "Provstads egen inledning." in markdown
    assert re.search(r"Tabell \d+\.", markdown)  # tables from styrdok's _tables.md.j2
    assert "Förslag till beslut" in (project / "ut" / "plan-tjansteskrivelse.md").read_text(encoding="utf-8")
    page = (project / "ut" / "plan.html").read_text(encoding="utf-8")
    assert "color: #123456" in page and "--head-fill" not in page  # the project's stylesheet only


def test_templates_option_without_a_project_file(tmp_path):
    templates = tmp_path / "egna-mallar"
    templates.mkdir()
    (templates / "_metadata.md.j2").write_text(
        (BUILTIN / "_metadata.md.j2").read_text(encoding="utf-8").replace("lang: sv-SE", "lang: sv-SE\nkeywords: [egen]"),
        encoding="utf-8")
    out = tmp_path / "ut"
    assert build("--content", str(MINIMAL), "--templates", str(templates), "--output", str(out), "--format", "md") == 0
    assert "keywords: [egen]" in (out / "plan.md").read_text(encoding="utf-8")


def test_memo_template_and_contents_depth_per_kind(project):
    own_template(project, "kort-skrivelse.md.j2",
                 '{% with title=document.title, subtitle=none, doctype="memo", recipient=document.memo.recipient %}'
                 '{% include "_metadata.md.j2" %}{% endwith %}\n\nKort skrivelse om {{ document.title }}.\n')
    write_project(project, "kinds:\n  verksamhetsplan:\n    memo_template: kort-skrivelse.md.j2\n    contents_depth: 3\n")
    assert build("--project", str(project), "--format", "md,docx") == 0
    assert "Kort skrivelse om Verksamhetsplan 2025." in (project / "ut" / "plan-tjansteskrivelse.md").read_text(encoding="utf-8")
    body = zipfile.ZipFile(project / "ut" / "plan.docx").read("word/document.xml").decode("utf-8")
    assert 'TOC \\o "1-3"' in body
    assert 'w:val="TOC3"' in body  # the contents are written out to the third level


def test_default_contents_depth_is_two_levels_in_every_format():
    look = Presentation()
    assert "--toc-depth=2" in look.writer_args("docx") and "--toc-depth=2" in look.writer_args("typst")
    assert "--toc-depth=3" in look.writer_args("html")  # the title is the HTML page's only first level


# ---- branding --------------------------------------------------------------------------

def test_branding_reaches_the_pdf_with_logo_alt_text_and_pdf_ua(project):
    write_project(project, BRANDING)
    assert build("--project", str(project), "plan", "--format", "pdf") == 0
    reader = PdfReader(str(project / "ut" / "plan.pdf"))
    cover = reader.pages[0]
    images = [x.get_object() for x in cover["/Resources"]["/XObject"].values()]
    assert any(image["/Subtype"] == "/Image" for image in images)
    fonts = {font.get_object()["/BaseFont"] for font in cover["/Resources"]["/Font"].values()}
    assert any("DejaVuSerif" in font for font in fonts)
    assert "Provstads logotyp" in _figure_alt_texts(reader.trailer["/Root"]["/StructTreeRoot"])
    assert "Provstad kommun" in cover.extract_text()
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid:part" in xmp


def _figure_alt_texts(node) -> list[str]:
    node = node.get_object()
    found = [str(node["/Alt"])] if node.get("/S") == "/Figure" and "/Alt" in node else []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        if kid is not None and hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
            found += _figure_alt_texts(kid)
    return found


def test_branding_reaches_html_and_docx(project):
    write_project(project, BRANDING)
    assert build("--project", str(project), "--format", "html,docx") == 0
    page = (project / "ut" / "plan.html").read_text(encoding="utf-8")
    assert "--accent: #a01010;" in page and "--head-fill: #f0e0e0;" in page
    assert 'font-family: "DejaVu Serif"' in page
    assert re.search(r'<img [^>]*class="doc-logo" src="data:image/png;base64,[^"]+" alt="Provstads logotyp">', page)
    assert '<p class="doc-organisation">Provstad kommun</p>' in page

    word = WordDocument(str(project / "ut" / "plan.docx"))
    default_font = word.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert default_font.get(qn("w:ascii")) == "Georgia"
    assert str(word.styles["Heading 1"].font.color.rgb) == "A01010"
    assert "Provstad kommun" in [p.text for p in word.paragraphs]
    cover = word.sections[0].first_page_header
    pictures = cover._element.findall(".//" + qn("wp:docPr"))
    assert [p.get("descr") for p in pictures] == ["Provstads logotyp"]
    assert any(part.partname.endswith(".png") for part in cover.part.related_parts.values())
    memo = WordDocument(str(project / "ut" / "plan-tjansteskrivelse.docx"))  # the letterhead has it too
    assert memo.sections[0].first_page_header._element.findall(".//" + qn("wp:docPr"))


def test_reference_docx_is_the_same_for_the_same_branding():
    branding = default_branding()
    assert reference_docx(branding) == reference_docx(branding)


def test_own_reference_docx_is_used_as_it_is(project):
    (project / "mallar" / "pandoc" / "reference.docx").write_bytes(reference_docx(default_branding()))
    write_project(project, BRANDING)
    assert build("--project", str(project), "--format", "docx") == 0
    word = WordDocument(str(project / "ut" / "plan.docx"))
    assert str(word.styles["Heading 1"].font.color.rgb) == "1D4F76"  # the file's colours, not the branding's


# ---- errors ----------------------------------------------------------------------------

def test_missing_logo_is_a_located_error(project, capsys):
    write_project(project, BRANDING.replace("profil/logotyp.png", "profil/saknas.png"))
    assert build("--project", str(project)) == 2
    out, err = capsys.readouterr()
    assert f"{project.as_posix()}/styrdok.yaml:7:11: logotypen {project.as_posix()}/profil/saknas.png finns inte" in out
    assert "projektfilen har 1 fel" in err
    assert not (project / "ut").exists()


def test_unknown_font_is_a_located_error_with_a_suggestion(project, capsys):
    write_project(project, BRANDING.replace("DejaVu Serif", "DejaVu Serf"))
    assert build("--project", str(project)) == 2
    out = capsys.readouterr().out
    assert 'styrdok.yaml:12:9: typsnittet "DejaVu Serf" finns inte i styrdok. Menade du "DejaVu Serif"?' in out


def test_schema_errors_in_the_project_file_are_located_and_swedish(project, capsys):
    write_project(project, 'branding:\n  colours: {accent: "röd"}\n  logga: x.png\nkinds:\n  plan: {contents_depth: 9}\n')
    assert main(["validate", "--project", str(project)]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[0].rsplit("/", 1)[-1] for line in lines] == [
        "styrdok.yaml:5:21", "styrdok.yaml:6:3", "styrdok.yaml:8:26"]
    assert 'fältet "branding.colours.accent" har fel form: texten "röd"' in lines[0]
    assert 'okänt fält "branding.logga"' in lines[1]
    assert 'fältet "kinds.plan.contents_depth" får vara högst 4' in lines[2]


def test_missing_kind_template_is_a_located_error(project, capsys):
    write_project(project, "kinds:\n  verksamhetsplan:\n    memo_template: saknas.md.j2\n")
    assert build("--project", str(project)) == 2
    assert 'styrdok.yaml:6:20: mallen "saknas.md.j2" finns inte' in capsys.readouterr().out


def test_template_syntax_error_names_file_line_and_document(project, capsys):
    assert build("--project", str(project), "--format", "md") == 0
    before = snapshot(project / "ut")
    own_template(project, "verksamhetsplan.md.j2", "---\ntitle: x\n---\n\n{% if %}\n")
    assert build("--project", str(project), "--format", "md") == 1
    err = capsys.readouterr().err
    assert re.search(r"mallar/verksamhetsplan\.md\.j2:5: syntaxfel i mallen: ett uttryck saknas före \"%\}\" "
                     r"\(när dokumentet plan \(.*innehall/dokument/plan\.yaml\) byggdes\)", err), err
    assert "Traceback" not in err and "Tidigare utdata är orörd" in err
    assert snapshot(project / "ut") == before


def test_template_runtime_error_names_file_line_and_document(project, capsys):
    own_template(project, "verksamhetsplan.md.j2",
                 '{% with title="x", subtitle=none, doctype="plan" %}{% include "_metadata.md.j2" %}{% endwith %}\n\n'
                 '{{ document.completion }}\n')
    assert build("--project", str(project), "--format", "md") == 1
    err = capsys.readouterr().err
    assert re.search(r'mallar/verksamhetsplan\.md\.j2:3: fel i mallen: objektet har inget fält "completion" '
                     r"\(när dokumentet plan", err), err
    assert "Traceback" not in err


def test_error_in_the_stylesheet_template_is_located(project, capsys):
    own_template(project, "pandoc/styrdok.css", "body {\n  color: {{ branding.colour }};\n}\n")
    assert build("--project", str(project), "--format", "html") == 1
    err = capsys.readouterr().err
    assert 'mallar/pandoc/styrdok.css:2: fel i mallen: "Branding" har inget fält "colour"' in err, err


def test_error_in_an_imported_template_points_into_it(project, capsys):
    start = "{% macro measures_table(caption, measures, with_documents=true) -%}"
    own_template(project, "_tables.md.j2", (BUILTIN / "_tables.md.j2").read_text(encoding="utf-8").replace(
        start, start + "\n{{ measures.nope }}"))
    line = (project / "mallar" / "_tables.md.j2").read_text(encoding="utf-8").splitlines().index("{{ measures.nope }}") + 1
    assert build("--project", str(project), "--format", "md") == 1
    err = capsys.readouterr().err
    assert re.search(rf'mallar/_tables\.md\.j2:{line}: fel i mallen: listan har inget fält "nope"', err), err
