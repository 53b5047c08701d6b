"""The text policy: content reaches every output as text, never as code.

The security reproducers of the hostile-input review (issue 12), asserted on the
final files (PDF text, DOCX XML, HTML) and, for the Markdown fields, on what
validation says. Each layer is tested on its own, so that removing any one of
them fails a test: the escaping of plain fields in the templates (also for every
text of the example content), the Markdown writer (styrdok.markup), pandoc's
reader, the Lua sanitizer (fed unescaped Markdown), the HTML check, typst's
limits, and the caps at validation.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from styrdok import export as export_stage
from styrdok import htmlcheck, markup, typeset
from styrdok.cli import main
from styrdok.export import ExportError, export

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
TIMESTAMP = 1735689600

PANIC = "[om]{typst:text:size='{ panic(\"INJECTED \" + str(6*7)) }'}"
MEMORY_BOMB = "[stor]{typst:text:size='{ let a = range(1000000000); 10pt }'}"
WHITE = '[dold text]{typst:text:fill="white"}'
PASSWD = "![pw](/etc/passwd)"
HOSTNAME = "![hn](/etc/hostname)"
JS_LINK = "[x](javascript:alert(document.cookie))"
HANDLER = '[y]{onmouseover="alert(1)"}'
SCRIPT = "<script>alert(1)</script>"
DATA_LINK = "[z](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"
METADATA = "---\nsubtitle: INJICERAD\ntoc-title: INJICERAD\n---"


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(path: Path) -> str:
    return words(" ".join(page.extract_text() or "" for page in PdfReader(path).pages))


def docx_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as docx:
        return " ".join(docx.read(name).decode("utf-8", "replace") for name in docx.namelist() if name.endswith(".xml"))


def docx_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as docx:
        return docx.read(name).decode("utf-8")


def docx_media(path: Path) -> list[str]:
    """The images in a Word file, except the municipality's logo from the project's branding."""
    logo = (Path(__file__).resolve().parent.parent / "content" / "profil" / "logotyp.png").read_bytes()
    with zipfile.ZipFile(path) as docx:
        return [name for name in docx.namelist() if "media/" in name and docx.read(name) != logo]


def passwd_leaked(data: str) -> bool:
    raw = Path("/etc/passwd").read_bytes()
    return "root:x:0:0" in data or base64.b64encode(raw[:60]).decode()[:40] in data


def assert_safe_html(html: str) -> None:
    assert htmlcheck.problems(html) == []
    assert not re.search(r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript|data:text)""", html, re.I)
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.I)
    # the one image is the municipality's logo from the project's branding, never content
    html = re.sub(r'<img role="img" aria-label="[^"<>]*" class="doc-logo" src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="[^"<>]*">',
                  "", html, count=1)
    assert "<script" not in html and "<img" not in html
    assert not passwd_leaked(html)


# --------------------------------------------------------------------------
# Plain fields: validated, built, shown literally
# --------------------------------------------------------------------------


def write_yaml(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def plain_build(tmp_path_factory) -> Path:
    """The minimal content with a reproducer in each plain field that reaches a document."""
    root = tmp_path_factory.mktemp("plain")
    content = root / "content"
    shutil.copytree(MINIMAL, content)
    plan = yaml.safe_load((content / "dokument" / "plan.yaml").read_text(encoding="utf-8"))
    plan.update(title=f"Plan {PANIC}", subtitle=WHITE, handlaggare=[HOSTNAME, HANDLER])
    plan["contents"].append({"budget": "budget-1"})
    write_yaml(content / "dokument" / "plan.yaml", plan)
    organisation = yaml.safe_load((content / "config" / "organisation.yaml").read_text(encoding="utf-8"))
    organisation.update(municipality=f"Testby {MEMORY_BOMB}", administration=SCRIPT)
    write_yaml(content / "config" / "organisation.yaml", organisation)
    write_yaml(content / "budget" / "budget.yaml", {
        "type": "budget", "id": "budget-1", "title": "Budget", "tables": [{
            "title": "Drift", "caption": "Driftbudget.", "unit": "tkr", "columns": [DATA_LINK],
            "rows": [{"label": PASSWD, "values": [1]}, {"label": JS_LINK, "values": [2]},
                     {"label": METADATA.replace("\n", " "), "values": [3]}, {"label": HANDLER, "values": [4], "total": True}],
        }]})
    assert main(["validate", "--content", str(content)]) == 0
    assert main(["build", "plan", "--content", str(content), "--output", str(root / "output")]) == 0
    return root / "output"


def test_typst_code_in_title_is_text(plain_build):
    text = pdf_text(plain_build / "plan.pdf")
    assert "INJECTED 42" not in text
    assert "typst:text:size='{ panic(" in text.replace("”", "'").replace("’", "'")


def test_memory_bomb_in_municipality_name_is_text(plain_build):
    assert "range(1000000000)" in pdf_text(plain_build / "plan.pdf")


def test_white_fill_in_subtitle_is_text(plain_build):
    assert 'typst:text:fill=' in pdf_text(plain_build / "plan.pdf")
    assert "typst:text:fill=" in (plain_build / "plan.html").read_text(encoding="utf-8")


def test_plain_fields_cannot_script_the_web_page(plain_build):
    html = (plain_build / "plan.html").read_text(encoding="utf-8")
    assert_safe_html(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the administration, as text
    assert "javascript:alert(document.cookie)" in html  # the budget row label, as text
    assert "onmouseover=" in html  # handläggare and a total row, as text


def test_image_syntax_in_plain_fields_leaks_no_file(plain_build):
    html = (plain_build / "plan.html").read_text(encoding="utf-8")
    assert "![pw](/etc/passwd)" in html and "![hn](/etc/hostname)" in html
    assert docx_media(plain_build / "plan.docx") == []
    assert "<pic:" not in docx_part(plain_build / "plan.docx", "word/document.xml")  # the logo sits in the header
    assert "![hn](/etc/hostname)" in docx_xml(plain_build / "plan.docx")


def test_metadata_syntax_in_a_plain_field_sets_nothing(plain_build):
    html = (plain_build / "plan.html").read_text(encoding="utf-8")
    assert '<h2 id="toc-title">Innehåll</h2>' in html and 'class="doc-subtitle">INJICERAD' not in html
    assert "subtitle: INJICERAD toc-title: INJICERAD" in html  # the budget row label, as text


def with_payload(value, key=None):
    """Every human-readable string (not ids, dates, numbers or file references) with a span appended."""
    if isinstance(value, dict):
        return {k: with_payload(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [with_payload(v, key) for v in value]
    if (isinstance(value, str) and key not in ("id", "type", "number", "since", "url", "diarienummer", "date")
            and (" " in value or value[:1].isupper())):
        return value + " [INJ]{.inj}"
    return value


def test_templates_escape_every_text_of_the_example(tmp_path):
    """A span added to every text of the example content never reaches pandoc as a span."""
    from styrdok.load import load_content
    from styrdok.model import build_model
    from styrdok.render import Renderer

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent.parent / "content", content)
    for path in content.rglob("*.yaml"):
        path.write_text(yaml.safe_dump(with_payload(yaml.safe_load(path.read_text(encoding="utf-8"))),
                                       allow_unicode=True), encoding="utf-8")
    for path in content.rglob("*.md"):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        path.write_text(f"---\n{yaml.safe_dump(with_payload(yaml.safe_load(front)), allow_unicode=True)}---\n{body}",
                        encoding="utf-8")
    model = build_model(load_content(content))  # validation would refuse the payload in Markdown fields
    renderer = Renderer(model, Path(__file__).parent.parent / "templates")
    documents = [renderer.render(document, template, {}) for document in model.documents
                 for template in [f"{document.kind}.md.j2"] + (["tjansteskrivelse.md.j2"] if document.memo else [])]
    assert sum(text.count("\\[INJ\\]\\{.inj\\}") for text in documents) > 900
    for text in documents:
        spans = [node for node in nodes(pandoc_ast(text)) if node["t"] in ("Span", "Div") and "inj" in node["c"][0][1]]
        assert not spans


# --------------------------------------------------------------------------
# Markdown fields: refused at validation, with file:line:column
# --------------------------------------------------------------------------

# (file name, field text, needle the column points at, expected message)
REFUSED = [
    ("panic", f"Text {PANIC}", "{typst", "attribut och spann"),
    ("raw", "Text `x`{=typst}", "{=", "råformat"),
    ("div", "Text.\n\n::: {typst:fill=\"red\"}\nx\n:::", ":::", "avsnitt med :::"),
    ("js", f"Se {JS_LINK}.", "javascript", "länkadressen"),
    ("autolink", "Se <javascript:alert(1)>.", "javascript", "länkadressen"),
    ("reference", "Se [x][r].\n\n[r]: javascript:alert(1)", "Se", "länkadressen"),  # at the link using it
    ("data", f"Se {DATA_LINK}.", "data:", "länkadressen"),
    ("handler", f"Text {HANDLER}.", "{onmouseover", "attribut och spann"),
    ("image", f"Text {PASSWD}.", "![", "bilder är inte tillåtna"),
    ("metadata", f"Text.\n\n{METADATA}", "---", "linjer och block med ---"),
    ("html", f"Text {SCRIPT}", "<script", "HTML är inte tillåtet"),
    ("word", "Ett " + "a" * 160_000 + " ord.", "aaa", "har 160000 tecken; ett ord"),
    ("field", "ord " * 6_000, "", "högst 20000 tecken"),
]


def test_refused_constructs_are_reported_with_file_line_and_column(tmp_path, capsys):
    """Each reproducer as a goal's description (block Markdown) and, on one line, as a measure's text (inline)."""
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    expected = []
    for name, text, needle, message in REFUSED:
        body = "\n".join("  " + line if line else "" for line in text.split("\n"))
        (content / "mal" / f"{name}.yaml").write_text(
            f"type: goal\nid: mal-{name}\nlevel: committee_goal\nnumber: \"9\"\ntitle: T\nparents: [fokusmal-1]\n"
            f"description: |\n{body}\n", encoding="utf-8")
        offset = text.index(needle) if needle else 20_000
        line, column = 8 + text.count("\n", 0, offset), 3 + offset - (text.rfind("\n", 0, offset) + 1)
        expected.append((f'content/mal/{name}.yaml:{line}:{column}: fältet "description": ', message))
        if "\n" not in text:
            (content / "atgarder" / f"{name}.yaml").write_text(
                f"type: measure\nid: atgard-{name}\nparents: [uppdrag-1]\ntext: |-\n{body}\n", encoding="utf-8")
            expected.append((f'content/atgarder/{name}.yaml:5:{column}: fältet "text": ', message))
    assert main(["validate", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    for start, message in expected:
        assert any(row.startswith(start) and message in row for row in out.splitlines()), (start, message, out)


def test_a_long_word_in_a_plain_field_is_reported(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    path = content / "dokument" / "plan.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "handlaggare:\n  - Anna " + "b" * 150 + "\n", encoding="utf-8")
    assert main(["validate", "--content", str(content)]) == 1
    assert 'content/dokument/plan.yaml:12:10: fältet "handlaggare[1]": ordet som börjar med "bbb' in capsys.readouterr().out


# --------------------------------------------------------------------------
# The Markdown writer: pandoc reads its output as text and allowed structure only
# --------------------------------------------------------------------------

HOSTILE = [PANIC, MEMORY_BOMB, WHITE, PASSWD, HOSTNAME, JS_LINK, HANDLER, SCRIPT, DATA_LINK, METADATA,
           "`#pagebreak()`{=typst}", "$x^2$ \\newpage", "<https://a.se> <javascript:alert(1)>",
           "[x][r]\n\n[r]: javascript:alert(1)", "Rubrik {#id .klass}", "::: {.list-table}\nx\n:::",
           "| a | b |\n|---|---|\n| 1 | 2 |", "Term\n: definition", "| rad", "^[not [x]{.y}] och [^1]\n\n[^1]: fot {.z}",
           "1. a\n2. b", "a) lista", "(iv) lista", "# rubrik", "- - [x]{.y}", "&#10;::: &#10;- x", "Hej![x](https://a.se)",
           "[^1]: ingen\n\n[^1](javascript:x)", "~~struken~~ H~2~O x^2^ [@citat]", "    kod", "```\nkod\n```", "<!-- c -->"]
ALLOWED_NODES = {"Str", "Space", "SoftBreak", "LineBreak", "Emph", "Strong", "Link", "Note", "Quoted",
                 "Para", "Plain", "BulletList", "OrderedList", "Header",
                 "SingleQuote", "DoubleQuote", "Decimal", "LowerAlpha", "UpperAlpha", "LowerRoman", "UpperRoman",
                 "DefaultStyle", "Period", "OneParen", "TwoParens", "DefaultDelim"}  # quote and numbering kinds


def pandoc_ast(markdown: str) -> dict:
    args = [export_stage._pandoc(), f"--from={markup.READER}", "--to=json"]
    return json.loads(subprocess.run(args, input=markdown.encode(), capture_output=True, check=True).stdout)


def nodes(value):
    """Every AST node (a dict with "t") inside a pandoc JSON value."""
    if isinstance(value, dict):
        if "t" in value:
            yield value
        for child in value.values():
            yield from nodes(child)
    elif isinstance(value, list):
        for child in value:
            yield from nodes(child)


def same_text(read: str, written: str) -> bool:
    """Equal, but for spaces next to quotes (pandoc's smart quotes move them)."""
    def squeeze(text):
        return re.sub(r"\s*([\"'])\s*", r"\1", text)

    return squeeze(read) == squeeze(written)


def literal(inlines) -> str:
    """The text of inlines as written (quotes, dashes and dots as typed)."""
    out = []
    for node in inlines:
        if node["t"] == "Str":
            out.append(node["c"].replace("\u2014", "---").replace("\u2013", "--").replace("\u2026", "..."))
        elif node["t"] in ("Space", "SoftBreak"):
            out.append(" ")
        elif node["t"] == "Quoted":
            mark = '"' if node["c"][0]["t"] == "DoubleQuote" else "'"
            out.append(mark + literal(node["c"][1]) + mark)
    return "".join(out)


def test_written_markdown_is_read_as_text_and_allowed_structure():
    parts = ["---", "title: " + json.dumps(markup.plain(PANIC)), "---", ""]
    for text in HOSTILE:
        parts += [f"# {markup.inline(text)}", "", markup.markdown(text, "section"), "",
                  "::: {.list-table}", "Tabell 1.", "", f"- - {markup.inline(text)}",
                  f"  - {markup.plain(text)}", f"  - {markup.indent_block(markup.markdown(text), 4)}", ":::", ""]
    ast = pandoc_ast("\n".join(parts))
    found = {node["t"] for node in nodes(ast["blocks"])}
    assert found - ALLOWED_NODES == {"Div"}
    for node in nodes(ast["blocks"]):
        if node["t"] == "Div":
            assert node["c"][0] == ["", ["list-table"], []]
        elif node["t"] == "Header":
            assert node["c"][1][1:] == [[], []]  # an identifier, no classes or attributes
        elif node["t"] == "Link":
            assert node["c"][0] == ["", [], []] and node["c"][2][0].startswith(("https://", "http://", "mailto:", "#"))
    assert set(ast["meta"]) == {"title"}
    assert same_text(literal(ast["meta"]["title"]["c"]), PANIC)


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_text_is_read_literally(text):
    ast = pandoc_ast(markup.plain(text))
    assert [block["t"] for block in ast["blocks"]] == ["Para"]
    assert same_text(literal(ast["blocks"][0]["c"]), words(text))


def test_allowed_markdown_keeps_its_structure():
    text = "Ett *kursivt* och **fett** ord, [länk](https://ekbacka.se/a_b) och fotnot.[^1]\n\n- ett\n- två\n\n[^1]: Källa."
    ast = pandoc_ast(markup.markdown(text))
    kinds = [node["t"] for node in nodes(ast["blocks"])]
    for kind in ("Emph", "Strong", "Link", "Note", "BulletList"):
        assert kind in kinds
    assert markup.markdown(text) == text  # already canonical: written back unchanged


# --------------------------------------------------------------------------
# pandoc's reader, the Lua sanitizer, the HTML check
# --------------------------------------------------------------------------


def test_reader_reads_no_raw_code_math_tables_or_citations():
    ast = pandoc_ast("`x`{=typst}\n\n```{=html}\n<script>\n```\n\n<b>fet</b> $x^2$ \\newpage [@citat]\n\n"
                     "| a | b |\n|---|---|\n| 1 | 2 |\n\nTerm\n: def\n\n| rad\n\nH~2~O x^2^")
    found = {node["t"] for node in nodes(ast["blocks"])}
    assert not found & {"RawInline", "RawBlock", "Math", "Cite", "Table", "DefinitionList", "LineBlock",
                        "Subscript", "Superscript"}


UNESCAPED = f"""---
title: "Plan"
toc-title: "INJICERAD"
css: /etc/passwd
header-includes: "<script>alert(1)</script>"
doctype: plan
---

# Rubrik {{typst:text:fill="white" onclick="alert(1)"}}

Storlek {PANIC} och {MEMORY_BOMB} och {WHITE}.

Länkar: {JS_LINK} <javascript:alert(1)> {DATA_LINK} [r] {HANDLER} `kod`{{=typst}} `#panic("RAW")`{{=typst}}

[r]: javascript:alert(2)

Bilder: {PASSWD} {HOSTNAME} ![upp](../../../../etc/passwd)

```{{=typst}}
#panic("RAW BLOCK")
```

<div onmouseover="alert(1)">html</div>

::: {{.list-table widths="50,50" typst:fill="red" style="x"}}
Tabell 1. Tabell.

- - a {PANIC}
  - b
:::

::: {{typst:fill="red"}}
Div.
:::
"""


@pytest.fixture(scope="module")
def sanitized(tmp_path_factory) -> Path:
    """Unescaped hostile Markdown, as if the text policy had let it through."""
    out = tmp_path_factory.mktemp("sanitized")
    export(UNESCAPED, out, "doc", {"pdf", "docx", "html"}, timestamp=TIMESTAMP)
    return out


def test_sanitizer_stops_typst_code(sanitized):
    text = pdf_text(sanitized / "doc.pdf")  # the export succeeded: no panic ran
    assert "INJECTED 42" not in text
    assert "Storlek om och stor och dold text." in text


def test_sanitizer_stops_scripts_and_local_files_in_html(sanitized):
    html = (sanitized / "doc.html").read_text(encoding="utf-8")
    assert_safe_html(html)
    assert '<h2 id="toc-title">Innehåll</h2>' in html


def test_sanitizer_stops_local_files_in_docx(sanitized):
    assert docx_media(sanitized / "doc.docx") == []
    assert "<pic:" not in docx_xml(sanitized / "doc.docx")
    relationships = docx_part(sanitized / "doc.docx", "word/_rels/document.xml.rels")
    assert "javascript" not in relationships and "data:" not in relationships and "passwd" not in relationships


def test_a_second_metadata_block_stops_the_export(tmp_path):
    with pytest.raises(ExportError, match="metadatablock på rad 6"):
        export("---\ntitle: T\n---\n\nText.\n---\ntitle: X\n---\n", tmp_path, "doc", {"html"}, timestamp=TIMESTAMP)
    assert not list(tmp_path.iterdir())


def test_export_stops_a_web_page_the_check_refuses(tmp_path, monkeypatch):
    monkeypatch.setattr(htmlcheck, "ELEMENTS", htmlcheck.ELEMENTS - {"em"})
    with pytest.raises(ExportError, match=r"Webbsidan doc\.html stoppades: elementet <em>"):
        export("---\ntitle: T\n---\n\nEtt *ord*.\n", tmp_path, "doc", {"html"}, timestamp=TIMESTAMP)
    assert not list(tmp_path.iterdir())


def test_html_check_names_what_could_run():
    html = ('<html><head><meta http-equiv="refresh" content="0"></head><body onload="x">'
            '<a href=" java\tscript:alert(1)">a</a><a href="data:text/html,x">b</a><img src="/etc/passwd">'
            '<script>x</script><style>p{}</style><p style="background:url(x)">c</p></body></html>')
    found = htmlcheck.problems(html)
    for fragment in ("http-equiv", "onload", "java\tscript", "data:text/html", "/etc/passwd", "<script>", "<style>",
                     "background:url"):
        assert any(fragment in problem for problem in found), fragment
    assert htmlcheck.problems('<p><a href="#x">a</a><img src="data:image/png;base64,iVBO"></p>') == []


# --------------------------------------------------------------------------
# typst's time and memory
# --------------------------------------------------------------------------


def test_typst_memory_is_limited(tmp_path, monkeypatch):
    monkeypatch.setattr(typeset, "MEMORY", 512 * 1024 ** 2)
    source = b"#set document(title: \"T\")\n#let x = { let a = range(1000000000); 10pt }\n#text(size: x)[a]\n"
    with pytest.raises(ExportError, match=r"PDF-filen plan\.pdf kunde inte sättas: .*512 MiB minne"):
        export_stage._typeset(source, tmp_path, TIMESTAMP, "PDF-filen plan.pdf")


def test_typst_time_is_limited(tmp_path, monkeypatch):
    monkeypatch.setattr(typeset, "SECONDS", 2)
    source = b"#set document(title: \"T\")\n#let n = 0\n#for i in range(100000) { for j in range(100000) { n += 1 } }\n#n\n"
    with pytest.raises(typeset.TypesetError, match="längre tid än 2 sekunder"):
        typeset.typeset(source, tmp_path, TIMESTAMP)


def test_typst_reads_no_file_outside_the_build_directory(tmp_path):
    with pytest.raises(typeset.TypesetError, match="escape the project root"):
        typeset.typeset(b'#set document(title: "T")\n#read("../../../../../../etc/passwd")\n', tmp_path, TIMESTAMP)
    with pytest.raises(typeset.TypesetError, match=f"file not found \\(searched at {tmp_path}/etc/passwd"):
        typeset.typeset(b'#set document(title: "T")\n#image("/etc/passwd")\n', tmp_path, TIMESTAMP)
