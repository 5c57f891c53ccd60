"""The `analyze` command: its JSON keys, CSV and table formats, and exit status 2 on bad files."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cityweave.analytics.brokerage import ROLES
from cityweave.analytics.cli import main, max_file_bytes
from cityweave.analytics.io import FileTooLargeError, read_edges

NETWORK_KEYS = {
    "nodes",
    "ties",
    "directed",
    "density",
    "components",
    "degree_centralization",
    "betweenness_centralization",
    "transitivity",
    "communities",
    "modularity",
}
NODE_KEYS = {
    "id",
    "degree",
    "strength",
    "betweenness",
    "betweenness_normalized",
    "closeness",
    "eigenvector",
    "pagerank",
    "constraint",
    "effective_size",
    "efficiency",
    "coreness",
    "community",
}
SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples"


@pytest.fixture
def riverton_files(tmp_path):
    edges = tmp_path / "ties.csv"
    edges.write_text(
        "source,target,weight\nchurch,mosque,4\nbank,shop,3\nrcf,church,3\nrcf,bank,2\n",
        encoding="utf-8",
    )
    nodes = tmp_path / "stakeholders.csv"
    nodes.write_text(
        "id,name,sector\nchurch,St Mark's,faith-based\nmosque,Riverton Mosque,faith-based\n"
        "bank,First Bank,business\nshop,Main St Shops,business\n"
        "rcf,Riverton Community Foundation,philanthropy\n",
        encoding="utf-8",
    )
    return edges, nodes


def run(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_it_prints_json_with_the_documented_keys(capsys, riverton_files):
    edges, _ = riverton_files
    status, out, _ = run(capsys, "analyze", str(edges), "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert set(data["network"]) >= NETWORK_KEYS
    assert all(set(node) >= NODE_KEYS for node in data["nodes"])
    assert "blau_index" not in data["network"]


def test_it_adds_group_keys_and_brokerage_with_group(capsys, riverton_files):
    edges, nodes = riverton_files
    status, out, _ = run(capsys, str(edges), "--nodes", str(nodes), "--group", "sector")
    assert status == 0
    data = json.loads(out)
    assert {"blau_index", "groups"} <= set(data["network"])
    rcf = next(node for node in data["nodes"] if node["id"] == "rcf")
    assert rcf["group"] == "philanthropy"
    assert set(rcf["brokerage"]) == {*ROLES, "total"}
    assert rcf["brokerage"]["liaison"] == 2
    assert any("only stakeholder tied to both" in broker["sentence"] for broker in data["brokers"])


def test_it_writes_one_csv_row_per_node(capsys, riverton_files):
    edges, nodes = riverton_files
    status, out, _ = run(
        capsys, str(edges), "--nodes", str(nodes), "--group", "sector", "--format", "csv"
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 5
    assert {"id", "constraint", "brokerage_liaison", "brokerage_total"} <= set(rows[0])


def test_it_prints_a_table(capsys, riverton_files):
    edges, nodes = riverton_files
    status, out, _ = run(
        capsys, str(edges), "--nodes", str(nodes), "--group", "sector", "--format", "table"
    )
    assert status == 0
    assert "Riverton Community Foundation" in out
    assert "blau index" in out


def test_it_writes_to_a_file_with_o(capsys, riverton_files, tmp_path):
    edges, _ = riverton_files
    target = tmp_path / "out.json"
    status, out, _ = run(capsys, str(edges), "-o", str(target))
    assert status == 0
    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["network"]["nodes"] == 5


def test_it_reads_directed_ties_and_an_unweighted_analysis(capsys, riverton_files):
    edges, _ = riverton_files
    status, out, _ = run(capsys, str(edges), "--directed", "--unweighted")
    data = json.loads(out)
    assert data["network"]["directed"] is True
    assert data["network"]["weighted"] is False


def test_it_estimates_with_fast(capsys, riverton_files):
    edges, _ = riverton_files
    status, out, _ = run(capsys, str(edges), "--fast")
    assert json.loads(out)["network"]["sampling"]["sources"] == 5


def test_it_exits_2_with_one_line_naming_file_line_and_problem(capsys, tmp_path):
    edges = tmp_path / "ties.csv"
    edges.write_text("source,target,weight\na,b,1\nb,c,strong\n", encoding="utf-8")
    status, out, err = run(capsys, str(edges))
    assert status == 2
    assert out == ""
    assert err == f"cityweave analyze: {edges}, line 3: weight 'strong' is not a number\n"


def test_it_exits_2_for_a_malformed_node_file(capsys, riverton_files, tmp_path):
    edges, _ = riverton_files
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("name\nx\n", encoding="utf-8")
    status, _, err = run(capsys, str(edges), "--nodes", str(nodes))
    assert status == 2
    assert err.count("\n") == 1
    assert f"{nodes}, line 1: no 'id' column" in err


TRUST_GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="t" for="edge" attr.name="trust" attr.type="int"/>
  <key id="k" for="edge" attr.name="kind" attr.type="string"/>
  <graph edgedefault="undirected">
    <edge source="church" target="mosque"><data key="t">4</data><data key="k">interfaith</data></edge>
    <edge source="rcf" target="church"><data key="t">3</data></edge>
  </graph>
</graphml>
"""


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("ties.graphml", TRUST_GRAPHML, "(edge attributes: trust, kind)"),
        (
            "ties.gexf",
            '<gexf xmlns="http://gexf.net/1.3"><graph><attributes class="edge">'
            '<attribute id="0" title="trust" type="integer"/></attributes><nodes/><edges>'
            '<edge source="a" target="b" weight="2"/></edges></graph></gexf>',
            "(edge attributes: weight, trust)",
        ),
        ("ties.csv", "source,target,trust\na,b,3\n", "(columns: source, target, trust)"),
    ],
)
def test_it_exits_2_naming_a_weight_attribute_the_file_does_not_have(
    capsys, tmp_path, name, content, expected
):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    status, out, err = run(capsys, str(path), "--weight", "trsut")
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "'trsut'" in err
    assert err.rstrip("\n").endswith(expected)


def test_it_reads_the_weight_attribute_named_in_a_graphml(capsys, tmp_path):
    path = tmp_path / "ties.graphml"
    path.write_text(TRUST_GRAPHML, encoding="utf-8")
    status, out, _ = run(capsys, str(path), "--weight", "trust")
    assert status == 0
    church = next(node for node in json.loads(out)["nodes"] if node["id"] == "church")
    assert church["strength"] == 7
    _, out, _ = run(capsys, str(path))  # no attribute named weight: unweighted, not an error
    assert json.loads(out)["network"]["weighted"] is False


def test_it_exits_2_when_no_node_has_the_group_attribute(capsys, riverton_files):
    edges, _ = riverton_files
    status, _, err = run(capsys, str(edges), "--group", "sector")
    assert status == 2
    assert "no node has a 'sector' attribute" in err


def test_it_exits_2_on_bad_arguments(capsys):
    status, _, err = run(capsys, "--format", "xml", "ties.csv")
    assert status == 2
    assert "invalid choice" in err


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared sample files not present")
def test_it_analyses_the_florentine_families_graphml(capsys):
    path = SAMPLES / "graphml_networkx_florentine.graphml"
    status, out, _ = run(capsys, str(path), "--group", "sector")
    data = json.loads(out)
    medici = next(node for node in data["nodes"] if node["id"] == "Medici")
    assert medici["betweenness_normalized"] == pytest.approx(0.521978, abs=1e-6)
    assert data["network"]["blau_index"] == 0


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared sample files not present")
def test_it_follows_the_direction_a_gexf_declares_unless_told_otherwise(capsys):
    path = SAMPLES / "gexf" / "gephi_primer13_simple.gexf"
    _, out, _ = run(capsys, str(path))
    assert json.loads(out)["network"]["directed"] is True
    _, out, _ = run(capsys, str(path), "--undirected")
    assert json.loads(out)["network"]["directed"] is False


def test_it_analyses_a_yed_file_with_a_group_naming_stakeholders_as_yed_shows_them(capsys):
    path = Path(__file__).resolve().parent / "fixtures" / "yed_groups.graphml"
    status, out, err = run(capsys, str(path), "--weight", "trust", "--group", "sector")
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert (data["network"]["nodes"], data["network"]["ties"]) == (5, 4)
    labels = {node["id"]: node["label"] for node in data["nodes"]}
    assert labels["n1"] == "Riverton Health Coalition"
    assert labels["n1::n1"] == "St Mark's Clinic"


def test_it_refuses_a_file_over_the_size_limit_in_one_line(capsys, riverton_files):
    edges, _ = riverton_files
    size = edges.stat().st_size
    assert size > 50
    status, out, err = run(capsys, str(edges), "--max-file-size", "0.00005")
    assert (status, out) == (2, "")
    assert err == (
        f"cityweave analyze: {edges}: is {size} bytes, over the 50 bytes limit "
        "(raise it with --max-file-size MB or CITYWEAVE_ANALYZE_MAX_MB)\n"
    )


def test_it_reads_the_size_limit_from_the_environment(capsys, riverton_files, monkeypatch):
    edges, nodes = riverton_files
    assert edges.stat().st_size < 100 < nodes.stat().st_size
    monkeypatch.setenv("CITYWEAVE_ANALYZE_MAX_MB", "0.00005")
    status, _, err = run(capsys, str(edges))
    assert status == 2
    assert "over the 50 bytes limit" in err
    assert run(capsys, str(edges), "--max-file-size", "1")[0] == 0  # the option wins
    monkeypatch.setenv("CITYWEAVE_ANALYZE_MAX_MB", "0.0001")  # the edges fit, the nodes do not
    status, _, err = run(capsys, str(edges), "--nodes", str(nodes))
    assert status == 2
    assert err.startswith(f"cityweave analyze: {nodes}: is ")
    monkeypatch.setenv("CITYWEAVE_ANALYZE_MAX_MB", "0")  # no limit
    assert run(capsys, str(edges), "--nodes", str(nodes))[0] == 0


@pytest.mark.parametrize("value", ["lots", "-5", "nan"])
def test_it_exits_2_naming_a_bad_size_limit_in_the_environment(
    capsys, riverton_files, monkeypatch, value
):
    edges, _ = riverton_files
    monkeypatch.setenv("CITYWEAVE_ANALYZE_MAX_MB", value)
    status, out, err = run(capsys, str(edges))
    assert (status, out) == (2, "")
    assert err.startswith("cityweave analyze: CITYWEAVE_ANALYZE_MAX_MB: ")
    assert err.count("\n") == 1
    status, _, err = run(capsys, str(edges), "--max-file-size", value)
    assert status == 2
    assert "--max-file-size" in err


def test_the_size_limit_is_200_megabytes_unless_changed():
    assert max_file_bytes(None, {}) == 200_000_000
    assert max_file_bytes(None, {"CITYWEAVE_ANALYZE_MAX_MB": " 500 "}) == 500_000_000
    assert max_file_bytes(0.5, {"CITYWEAVE_ANALYZE_MAX_MB": "500"}) == 500_000
    assert max_file_bytes(0, {}) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_it_stops_reading_a_pipe_once_it_passes_the_limit(tmp_path):
    pipe = tmp_path / "ties.csv"
    os.mkfifo(pipe)

    def feed() -> None:
        # One write of less than PIPE_BUF (4096 bytes): it lands whole before the reader stops.
        with contextlib.suppress(BrokenPipeError), open(pipe, "w", encoding="utf-8") as writer:
            writer.write("source,target\n" + "a,b\n" * 900)

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        with pytest.raises(FileTooLargeError, match="ties.csv: is over the 100 bytes limit$"):
            read_edges(pipe, max_bytes=100)
    finally:
        feeder.join(timeout=5)


def test_it_runs_without_django():
    check = (
        "import sys, cityweave.analytics, cityweave.analytics.cli; "
        "sys.exit('django' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 0


def test_the_cityweave_command_runs_analyze_without_starting_django(riverton_files):
    edges, _ = riverton_files
    script = (
        "import sys\n"
        "from cityweave.cli import main\n"
        "try:\n"
        f"    main(['analyze', {str(edges)!r}, '--format', 'json'])\n"
        "except SystemExit as exit:\n"
        "    print('django.setup' if 'django.apps.registry' in sys.modules else '', file=sys.stderr)\n"
        "    raise\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["network"]["nodes"] == 5
    assert "django.setup" not in done.stderr
