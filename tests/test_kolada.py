"""Kolada import: answers parsed, pages followed, files edited line by line, failures leave files alone.

No test touches the network: a fake opener serves the fixtures in tests/fixtures/kolada/,
which have the shape of Kolada's API version 3 and made-up values.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import urllib.error
from datetime import date
from pathlib import Path

import pytest

from styrdok import kolada
from styrdok.cli import main
from styrdok.kolada import API, KoladaError, fetch, parse_rows, parse_years, read_saved
from styrdok.load import load_bytes
from styrdok.pipeline import check
from styrdok.yamledit import set_values

FIXTURES = Path(__file__).parent / "fixtures"
KOLADA = FIXTURES / "kolada"
MINIMAL = FIXTURES / "minimal"
META = f"{API}/kpi/N99001"
PAGE_1 = f"{API}/data/kpi/N99001/municipality/9999/year/2021,2022,2023,2024"
PAGE_2 = f"{PAGE_1}?page=2&per_page=2"
YEARS = [2021, 2022, 2023, 2024]
FETCHED = {"2021": {"total": 2.4, "women": 2.6, "men": 2.2}, "2022": {"total": 2.1, "women": 2.3},
           "2023": {"total": 1.8, "women": 1.95, "men": 1.7}}

INDICATOR = """\
# Uppföljs varje år; värdena kommer från Kolada.
type: indicator
id: ind-1
name: Antal besök   # namnet som i tabellen
unit: procent
source: Kolada
gender_split: true
target: {direction: oka}
kolada: {kpi: N99001}
parents: [fokusmal-1]
values:
  - {period: "2022", total: 2.0, women: 2.3}   # preliminärt
  - {period: "2023", total: 1.80, women: 1.95, men: 1.7}
  - {period: "2024-10", total: 1.6}
order: 3
"""


class FakeKolada:
    """An opener that answers from a table of URL -> fixture file, bytes or exception, and records the calls."""

    def __init__(self, **overrides):
        self.answers = {META: KOLADA / "kpi-N99001.json", PAGE_1: KOLADA / "data-N99001-sida-1.json",
                        PAGE_2: KOLADA / "data-N99001-sida-2.json"} | overrides
        self.calls: list[str] = []

    def __call__(self, url: str, timeout: float) -> bytes:
        self.calls.append(url)
        assert timeout > 0
        answer = self.answers.get(url, urllib.error.HTTPError(url, 404, "Not Found", {}, None))
        if isinstance(answer, Exception):
            raise answer
        return answer.read_bytes() if isinstance(answer, Path) else answer


def page(rows: list, **extra) -> bytes:
    return json.dumps({"count": len(rows), "values": rows, **extra}).encode()


@pytest.fixture()
def content(tmp_path) -> Path:
    """The minimal tree with a municipality id for Kolada and one indicator linked to N99001."""
    root = tmp_path / "content"
    shutil.copytree(MINIMAL, root)
    organisation = root / "config" / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8").replace(
        "administration: Testförvaltningen\n", 'administration: Testförvaltningen\nkolada_municipality: "9999"\n'), encoding="utf-8")
    (root / "indikatorer" / "ind-1.yaml").write_text(INDICATOR, encoding="utf-8")
    return root


def checked(root: Path):
    result = check(root)
    assert not result.errors, result.errors
    return result


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def fetch_into(root: Path, opener, **options) -> list[str]:
    result = checked(root)
    return kolada.fetch_and_update(result.loaded.files, root, result.schemas, opener=opener,
                                   today=date(2025, 6, 2), **{"years": YEARS, **options})


# Reading answers

def test_rows_map_genders_and_skip_missing_and_deleted_values():
    rows = [row for name in ("data-N99001-sida-1.json", "data-N99001-sida-2.json")
            for row in json.loads((KOLADA / name).read_text(encoding="utf-8"))["values"]]
    assert parse_rows(rows, "test") == {"N99001": {"9999": FETCHED}}


def test_rows_without_kolada_shape_are_refused():
    with pytest.raises(KoladaError, match="saknar kpi, municipality, period eller values"):
        parse_rows([{"id": "N99001", "title": "Ett nyckeltal"}], "svar.json")
    with pytest.raises(KoladaError, match="\"2023-10\" är inget årtal"):
        parse_rows([{"kpi": "N99001", "municipality": "9999", "period": "2023-10", "values": []}], "svar.json")


def test_years_option():
    assert parse_years("2020-2023") == [2020, 2021, 2022, 2023]
    assert parse_years("2024,2021") == [2021, 2024]
    for wrong in ("2024-2020", "20", "2020-24", "i fjol"):
        with pytest.raises(Exception, match="ogiltiga år"):
            parse_years(wrong)


# Fetching

def test_fetch_follows_next_url_and_keeps_every_page():
    opener = FakeKolada()
    series, records = fetch(["N99001"], "9999", YEARS, opener=opener, today=date(2025, 6, 2))
    assert opener.calls == [META, PAGE_1, PAGE_2]
    assert series == {"N99001": {"9999": FETCHED}}
    record = records["N99001"]
    assert record["retrieved"] == "2025-06-02" and record["municipality"] == "9999" and record["years"] == YEARS
    assert [p["url"] for p in record["data"]] == [PAGE_1, PAGE_2]
    assert record["kpi"]["url"] == META and record["kpi"]["response"]["values"][0]["id"] == "N99001"


def test_fetch_follows_version_2_next_page_and_stops_at_an_empty_page():
    last = f"{PAGE_1}?page=3"
    opener = FakeKolada(**{PAGE_1: page([], next_page=PAGE_2)})
    with pytest.raises(KoladaError, match="inga värden"):
        fetch(["N99001"], "9999", YEARS, opener=opener)
    assert opener.calls == [META, PAGE_1]  # an empty page ends the answer even when it names another
    opener = FakeKolada(**{PAGE_2: page(json.loads((KOLADA / "data-N99001-sida-2.json").read_bytes())["values"], next_page=last),
                           last: page([])})
    assert fetch(["N99001"], "9999", YEARS, opener=opener)[0] == {"N99001": {"9999": FETCHED}}
    assert opener.calls == [META, PAGE_1, PAGE_2, last]


def test_a_page_that_names_itself_again_is_an_error():
    opener = FakeKolada(**{PAGE_2: page([{"kpi": "N99001", "municipality": "9999", "period": 2023, "values": []}], next_url=PAGE_1)})
    with pytest.raises(KoladaError, match="tar aldrig slut") as error:
        fetch(["N99001"], "9999", YEARS, opener=opener)
    assert error.value.exit_code == 2


def test_more_than_25_years_are_asked_for_in_parts():
    years = list(range(1990, 2025))
    first = f"{API}/data/kpi/N99001/municipality/9999/year/{','.join(map(str, years[:25]))}"
    second = f"{API}/data/kpi/N99001/municipality/9999/year/{','.join(map(str, years[25:]))}"
    opener = FakeKolada(**{first: page([]), second: KOLADA / "data-N99001-sida-2.json"})
    series, records = fetch(["N99001"], "9999", years, opener=opener)
    assert opener.calls == [META, first, second]
    assert series["N99001"]["9999"] == {"2023": FETCHED["2023"]}


@pytest.mark.parametrize("answer", [page([]), urllib.error.HTTPError(META, 404, "Not Found", {}, None)])
def test_unknown_kpi(answer):
    with pytest.raises(KoladaError) as error:
        fetch(["N99001"], "9999", YEARS, opener=FakeKolada(**{META: answer}))
    assert str(error.value).startswith("Kolada känner inte till nyckeltalet N99001; kontrollera id:t i indikatorfilen")
    assert error.value.exit_code == 1


def test_empty_answer():
    with pytest.raises(KoladaError) as error:
        fetch(["N99001"], "9999", YEARS, opener=FakeKolada(**{PAGE_1: page([])}))
    assert str(error.value).startswith("Kolada har inga värden för N99001 i kommun 9999 åren 2021–2024")
    assert error.value.exit_code == 1


def test_an_answer_for_another_municipality_only_is_empty():
    other = json.loads((KOLADA / "data-N99001-sida-2.json").read_bytes())["values"][:1]
    other[0]["municipality"] = "0180"
    with pytest.raises(KoladaError, match="inga värden för N99001 i kommun 9999"):
        fetch(["N99001"], "9999", YEARS, opener=FakeKolada(**{PAGE_1: page(other)}))


@pytest.mark.parametrize("failure, words", [
    (urllib.error.URLError(socket.gaierror(-2, "Name or service not known")), "Name or service not known"),
    (TimeoutError("timed out"), "timed out"),
    (ConnectionResetError(104, "Connection reset by peer"), "Connection reset by peer"),
])
def test_network_errors(failure, words):
    with pytest.raises(KoladaError) as error:
        fetch(["N99001"], "9999", YEARS, opener=FakeKolada(**{PAGE_2: failure}))
    assert str(error.value).startswith("kunde inte nå Kolada (") and words in str(error.value)
    assert "kolada importera" in str(error.value)
    assert error.value.exit_code == 2


def test_server_errors_and_answers_that_are_not_json():
    with pytest.raises(KoladaError, match=r"Kolada svarade med felkod 503 \(Service Unavailable\) på .*/year/2021") as error:
        fetch(["N99001"], "9999", YEARS, opener=FakeKolada(**{PAGE_1: urllib.error.HTTPError(PAGE_1, 503, "Service Unavailable", {}, None)}))
    assert error.value.exit_code == 2
    with pytest.raises(KoladaError, match="Kolada svarade inte med JSON"):
        fetch(["N99001"], "9999", YEARS, opener=FakeKolada(**{PAGE_1: b"<html>Underhall</html>"}))
    with pytest.raises(KoladaError, match="svaret har inte Koladas form"):
        fetch(["N99001"], "9999", YEARS, opener=FakeKolada(**{PAGE_1: b'{"error": "oops"}'}))


# Updating the indicator files

def test_fetch_updates_only_value_lines_and_stores_the_answer(content):
    report = fetch_into(content, FakeKolada())
    text = (content / "indikatorer" / "ind-1.yaml").read_text(encoding="utf-8")
    assert text == INDICATOR.replace(
        "values:\n", 'values:\n  - {period: "2021", total: 2.4, women: 2.6, men: 2.2}\n').replace(
        '{period: "2022", total: 2.0, women: 2.3}', '{period: "2022", total: 2.1, women: 2.3}')
    assert report == ["content/indikatorer/ind-1.yaml: nya värden för 2021 och ändrade värden för 2022.",
                      "Sparade Koladas svar i content/kolada/N99001.json."]
    stored = json.loads((content / "kolada" / "N99001.json").read_text(encoding="utf-8"))
    assert stored["retrieved"] == "2025-06-02" and stored["source"] == "Kolada, https://api.kolada.se/v3"
    assert [p["url"] for p in stored["data"]] == [PAGE_1, PAGE_2]
    after = check(content)
    assert not after.errors
    assert all(not d.path.startswith("content/kolada") for d in after.diagnostics)


def test_the_stored_answer_imports_to_the_same_files(content, tmp_path):
    fetch_into(content, FakeKolada())
    other = tmp_path / "kopia" / "content"
    shutil.copytree(MINIMAL, other)
    for name in ("config/organisation.yaml",):
        shutil.copy(content / name, other / name)
    (other / "indikatorer" / "ind-1.yaml").write_text(INDICATOR, encoding="utf-8")
    result = checked(other)
    report = kolada.import_and_update(result.loaded.files, other, result.schemas, content / "kolada" / "N99001.json")
    assert report == ["content/indikatorer/ind-1.yaml: nya värden för 2021 och ändrade värden för 2022."]
    assert (other / "indikatorer" / "ind-1.yaml").read_bytes() == (content / "indikatorer" / "ind-1.yaml").read_bytes()


def test_import_of_a_plain_answer_page(content):
    result = checked(content)
    kolada.import_and_update(result.loaded.files, content, result.schemas, KOLADA / "data-N99001-sida-1.json")
    assert load_bytes((content / "indikatorer" / "ind-1.yaml").read_bytes(), "ind-1").data["values"] == [
        {"period": "2021", "total": 2.4, "women": 2.6, "men": 2.2}, {"period": "2022", "total": 2.1, "women": 2.3},
        {"period": "2023", "total": 1.8, "women": 1.95, "men": 1.7}, {"period": "2024-10", "total": 1.6}]


def test_import_of_a_csv_export_with_swedish_columns(content):
    assert read_saved(KOLADA / "varden.csv") == {"N99001": {"9999": FETCHED, "0180": {"2023": {"total": 7.5}}}}
    before = content / "indikatorer" / "ind-1.yaml"
    result = checked(content)
    kolada.import_and_update(result.loaded.files, content, result.schemas, KOLADA / "varden.csv")
    fetched = content.parent / "hamtat"
    shutil.copytree(content, fetched / "content")
    (fetched / "content" / "indikatorer" / "ind-1.yaml").write_text(INDICATOR, encoding="utf-8")
    fetch_into(fetched / "content", FakeKolada())
    assert before.read_bytes() == (fetched / "content" / "indikatorer" / "ind-1.yaml").read_bytes()


def test_csv_with_english_columns_commas_and_a_lost_leading_zero(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("kpi,municipality,period,gender,value\nN99001,380,2023,T,1.5\nN99001,380,2023,k,1.25\n", encoding="utf-8")
    assert read_saved(export) == {"N99001": {"0380": {"2023": {"total": 1.5, "women": 1.25}}}}


@pytest.mark.parametrize("text, message", [
    ("kpi;kommun;år;värde\nN99001;9999;2023;1\n", "export.csv:1: kolumnerna gender saknas"),
    ("kpi;kommun;år;kön;värde\nN99001;9999;2023;T;1\nN99001;9999;2023;K;ett\n", 'export.csv:3: värdet "ett" är inget tal'),
])
def test_csv_errors_name_the_line(tmp_path, text, message):
    export = tmp_path / "export.csv"
    export.write_text(text, encoding="utf-8")
    with pytest.raises(KoladaError, match=message):
        read_saved(export)


def test_bad_json_names_line_and_column(tmp_path):
    saved = tmp_path / "svar.json"
    saved.write_text('{"values": [\n  {"kpi": "N99001",]\n}', encoding="utf-8")
    with pytest.raises(KoladaError, match=r"svar.json:2:20: ogiltig JSON"):
        read_saved(saved)


def test_a_file_without_values_for_the_municipality_changes_nothing(content):
    before = snapshot(content)
    result = checked(content)
    with pytest.raises(KoladaError, match="inga värden för kommun 9999; värdena gäller 0180"):
        kolada.import_and_update(result.loaded.files, content, result.schemas, _csv(content.parent, "N99001;0180;2023;T;7,5"))
    assert snapshot(content) == before


def test_values_for_a_kpi_no_indicator_names_are_skipped(content):
    result = checked(content)
    report = kolada.import_and_update(result.loaded.files, content, result.schemas,
                                      _csv(content.parent, "N99002;9999;2023;T;7,5\nN99001;9999;2023;T;1,8"))
    assert report == ["N99002: ingen indikator har detta Kolada-id; värdena hoppades över.",
                      "Alla värden var redan aktuella; inga indikatorfiler ändrades."]


def test_gender_split_false_takes_the_total_only(content):
    indicator = content / "indikatorer" / "ind-1.yaml"
    indicator.write_text(INDICATOR.replace("gender_split: true", "gender_split: false"), encoding="utf-8")
    result = checked(content)
    kolada.import_and_update(result.loaded.files, content, result.schemas, KOLADA / "data-N99001-sida-1.json")
    assert '  - {period: "2021", total: 2.4}\n' in indicator.read_text(encoding="utf-8")


def test_a_partial_failure_leaves_every_file_untouched(content):
    second = content / "indikatorer" / "ind-2.yaml"
    second.write_text(INDICATOR.replace("ind-1", "ind-2").replace("N99001", "N99002"), encoding="utf-8")
    before = snapshot(content)
    opener = FakeKolada()
    opener.answers[f"{API}/kpi/N99002"] = page([{"id": "N99002", "title": "Ett annat nyckeltal"}])
    opener.answers[f"{API}/data/kpi/N99002/municipality/9999/year/2021,2022,2023,2024"] = urllib.error.URLError("nätet är nere")
    with pytest.raises(KoladaError, match="kunde inte nå Kolada"):
        fetch_into(content, opener)
    assert PAGE_2 in opener.calls  # the first KPI was fetched completely before the second failed
    assert snapshot(content) == before
    assert not (content / "kolada").exists()


def test_a_byte_order_mark_and_windows_line_ends_are_kept(content):
    indicator = content / "indikatorer" / "ind-1.yaml"
    indicator.write_bytes(b"\xef\xbb\xbf" + INDICATOR.replace("\n", "\r\n").encode("utf-8"))
    result = checked(content)
    kolada.import_and_update(result.loaded.files, content, result.schemas, KOLADA / "varden.csv")
    expected = INDICATOR.replace("values:\n", 'values:\n  - {period: "2021", total: 2.4, women: 2.6, men: 2.2}\n').replace(
        "total: 2.0,", "total: 2.1,")
    assert indicator.read_bytes() == b"\xef\xbb\xbf" + expected.replace("\n", "\r\n").encode("utf-8")


def test_an_edit_that_would_change_other_data_is_refused(content, monkeypatch):
    monkeypatch.setattr(kolada, "set_values", lambda text, updates: text.replace("oka", "minska"))
    before = snapshot(content)
    result = checked(content)
    with pytest.raises(KoladaError, match="kunde inte skrivas in utan att ändra något annat"):
        kolada.import_and_update(result.loaded.files, content, result.schemas, KOLADA / "varden.csv")
    assert snapshot(content) == before


def test_only_value_lines_change_in_git(tmp_path, content):
    repo = content.parent
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@ekbacka.se", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "start"], cwd=repo, check=True)
    result = checked(content)
    kolada.import_and_update(result.loaded.files, content, result.schemas, KOLADA / "varden.csv")
    numstat = subprocess.run([*git, "diff", "--numstat"], cwd=repo, check=True, capture_output=True, text=True).stdout
    assert numstat == "2\t1\tcontent/indikatorer/ind-1.yaml\n"  # 2021 added; 2022's line rewritten
    diff = subprocess.run([*git, "diff", "-U0"], cwd=repo, check=True, capture_output=True, text=True).stdout
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ['-  - {period: "2022", total: 2.0, women: 2.3}   # preliminärt',
                       '+  - {period: "2021", total: 2.4, women: 2.6, men: 2.2}',
                       '+  - {period: "2022", total: 2.1, women: 2.3}   # preliminärt']
    assert not check(content).errors


# The line editor

BLOCK = 'id: x\nvalues:  # årsvärden\n  - {period: "2022", total: 5}\n  - {period: "2024-10", total: 7}\norder: 1\n'
FLOW = "id: x\nvalues: [{period: '2022', total: 5}, {period: '2024-10', total: 7}]  # kort\n"
NESTED = 'id: x\nvalues:\n- period: "2022"\n  total: 5\n  # senare\n- period: "2024-10"\n  total: 7\n# slut\norder: 1\n'
NONE = "id: x\nparents:\n    - a\n"


@pytest.mark.parametrize("text, expected", [
    (BLOCK, 'id: x\nvalues:  # årsvärden\n  - {period: "2021", total: 4}\n  - {period: "2022", total: 5, men: 2}\n'
            '  - {period: "2023", total: 6.5}\n  - {period: "2024-10", total: 7}\n  - {period: "2024", total: 8}\norder: 1\n'),
    (FLOW, "id: x\nvalues: [{period: '2021', total: 4}, {period: '2022', total: 5, men: 2}, {period: '2023', total: 6.5}, "
           "{period: '2024-10', total: 7}, {period: '2024', total: 8}]  # kort\n"),
    (NESTED, 'id: x\nvalues:\n- period: "2021"\n  total: 4\n- period: "2022"\n  total: 5\n  men: 2\n  # senare\n'
             '- period: "2023"\n  total: 6.5\n- period: "2024-10"\n  total: 7\n- period: "2024"\n  total: 8\n# slut\norder: 1\n'),
    (NONE, 'id: x\nparents:\n    - a\nvalues:\n    - {period: "2021", total: 4}\n    - {period: "2022", total: 5, men: 2}\n'
           '    - {period: "2023", total: 6.5}\n    - {period: "2024", total: 8}\n'),
])
def test_new_periods_go_in_order_in_the_files_own_style(text, expected):
    updates = {"2024": {"total": 8.0}, "2021": {"total": 4.0}, "2023": {"total": 6.5}, "2022": {"total": 5.0, "men": 2.0}}
    assert set_values(text, updates) == expected


def test_equal_numbers_keep_their_spelling_and_windows_line_ends_are_kept():
    text = 'id: x\r\nvalues:\r\n  - {period: "2022", total: 5.0, women: 0.50}\r\n'
    assert set_values(text, {"2022": {"total": 5, "women": 0.5}}) == text
    assert set_values(text, {"2023": {"total": 1e-7}}) == text + '  - {period: "2023", total: 0.0000001}\r\n'


def test_a_file_without_a_final_newline_gets_one_before_a_new_entry():
    assert set_values('values:\n  - {period: "2022", total: 5}', {"2023": {"total": 6}}) == \
        'values:\n  - {period: "2022", total: 5}\n  - {period: "2023", total: 6}\n'


# Validation

def test_validate_warns_when_a_shown_year_has_no_value(content):
    document = content / "dokument" / "plan.yaml"
    document.write_text(document.read_text(encoding="utf-8") + "indicator_years: [2021, 2022, 2023, 2024, 2025]\n", encoding="utf-8")
    warnings = [d for d in check(content).diagnostics if d.severity == "warning"]
    assert [d.text() for d in warnings] == [
        'content/indikatorer/ind-1.yaml:11:1: varning: indikatorn får sina värden från Kolada (N99001) men saknar värde '
        'för 2021 och 2025, som dokumentet "plan" visar; hämta värdena med python build.py kolada hämta, '
        'eller skriv status: saknas för året']
    organisation = content / "config" / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8").replace('kolada_municipality: "9999"\n', ""), encoding="utf-8")
    assert not [d for d in check(content).diagnostics if d.severity == "warning"]


def test_without_indicator_years_a_table_shows_the_years_its_indicators_have(content):
    (content / "indikatorer" / "ind-2.yaml").write_text(
        INDICATOR.replace("ind-1", "ind-2").replace("kolada: {kpi: N99001}\n", "").replace('"2022"', '"2020"'), encoding="utf-8")
    warnings = [d.message for d in check(content).diagnostics if d.severity == "warning"]
    assert warnings == ['indikatorn får sina värden från Kolada (N99001) men saknar värde för 2020, som dokumentet "plan" '
                        'visar; hämta värdena med python build.py kolada hämta, eller skriv status: saknas för året']


def test_a_year_marked_missing_is_not_warned_about_and_charts_count_as_shown(content):
    document = content / "dokument" / "plan.yaml"
    text = document.read_text(encoding="utf-8")
    document.write_text(text + "indicator_years: [2021, 2022]\n", encoding="utf-8")
    indicator = content / "indikatorer" / "ind-1.yaml"
    indicator.write_text(indicator.read_text(encoding="utf-8").replace(
        "values:\n", 'values:\n  - {period: "2021", status: saknas}\n'), encoding="utf-8")
    assert not [d for d in check(content).diagnostics if d.severity == "warning"]
    assert "  - goals: [fokusmal-1]\n" in text
    document.write_text(text.replace("  - goals: [fokusmal-1]\n", "  - charts: {indicators: [ind-1]}\n")
                        + "indicator_years: [2020]\n", encoding="utf-8")
    warnings = [d.message for d in check(content).diagnostics if d.severity == "warning"]
    assert len(warnings) == 1 and "saknar värde för 2020" in warnings[0]


def test_the_example_names_kolada_kpis_but_no_municipality():
    example = check(Path(__file__).resolve().parent.parent / "content")
    assert not example.diagnostics
    linked = [s.data["kolada"]["kpi"] for s in example.loaded.files if "kolada" in s.data]
    assert linked and all(kolada.KPI_PATTERN.fullmatch(kpi) for kpi in linked)


# The command line

def test_cli_import(content, capsys):
    assert main(["kolada", "importera", str(KOLADA / "varden.csv"), "--content", str(content)]) == 0
    assert capsys.readouterr().err == "content/indikatorer/ind-1.yaml: nya värden för 2021 och ändrade värden för 2022.\n"
    assert main(["kolada", "importera", str(KOLADA / "varden.csv"), "--content", str(content)]) == 0
    assert capsys.readouterr().err == "Alla värden var redan aktuella; inga indikatorfiler ändrades.\n"


def test_cli_fetch_without_network(content, capsys, monkeypatch):
    def offline(url, timeout):
        raise urllib.error.URLError(OSError(101, "Network is unreachable"))

    monkeypatch.setattr(kolada, "_download", offline)
    before = snapshot(content)
    assert main(["kolada", "hämta", "--år", "2021-2024", "--content", str(content)]) == 2
    assert capsys.readouterr().err == (
        "fel: kunde inte nå Kolada ([Errno 101] Network is unreachable); kontrollera nätverket och försök igen, "
        "eller importera en sparad fil med kolada importera. Ingen fil ändrades.\n")
    assert snapshot(content) == before


def test_cli_fetch_stores_and_updates(content, capsys, monkeypatch):
    monkeypatch.setattr(kolada, "_download", FakeKolada())
    assert main(["kolada", "hämta", "--år", "2021-2024", "--kpi", "N99001", "--content", str(content)]) == 0
    assert capsys.readouterr().err.endswith("Sparade Koladas svar i content/kolada/N99001.json.\n")


@pytest.mark.parametrize("arguments, code, message", [
    (["hämta", "--år", "förra året"], 2, 'fel: argument --år: ogiltiga år "förra året"'),
    (["hämta", "--kpi", "31816"], 2, "fel: argument --kpi: ogiltigt Kolada-id: 31816"),
    (["hämta", "--kpi", "N12345"], 1, "fel: ingen indikator har Kolada-id N12345. Ingen fil ändrades."),
    (["importera", "saknas.json"], 2, "fel: kan inte läsa saknas.json: katalogen eller filen finns inte. Ingen fil ändrades."),
    (["importera", "svar.xlsx"], 2, "fel: svar.xlsx: ange en fil som slutar på .json eller .csv. Ingen fil ändrades."),
])
def test_cli_errors(content, capsys, arguments, code, message):
    try:
        returned = main(["kolada", *arguments, "--content", str(content)])
    except SystemExit as usage:  # argparse's own errors
        returned = usage.code
    assert returned == code
    assert message in capsys.readouterr().err


def test_cli_needs_the_municipality_and_valid_content(content, capsys):
    organisation = content / "config" / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8").replace('kolada_municipality: "9999"\n', ""), encoding="utf-8")
    assert main(["kolada", "importera", str(KOLADA / "varden.csv"), "--content", str(content)]) == 1
    assert "organisationen saknar fältet kolada_municipality" in capsys.readouterr().err
    organisation.write_text(organisation.read_text(encoding="utf-8") + 'kolada_municipality: "380"\n', encoding="utf-8")
    before = snapshot(content)
    assert main(["kolada", "importera", str(KOLADA / "varden.csv"), "--content", str(content)]) == 1
    out, err = capsys.readouterr()
    assert "content/config/organisation.yaml:" in out and "Rätta felen först; ingen fil ändrades." in err
    assert snapshot(content) == before


def _csv(directory: Path, rows: str) -> Path:
    path = directory / "export.csv"
    path.write_text(f"kpi;kommun;år;kön;värde\n{rows}\n", encoding="utf-8")
    return path
