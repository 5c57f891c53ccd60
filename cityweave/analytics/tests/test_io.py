"""Reading CSV edge lists, node CSVs, GraphML and GEXF, with errors that name the file and line."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityweave.analytics import analyze
from cityweave.analytics.io import InputError, read_edges, read_nodes
from cityweave.analytics.tests.strategies import checked

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared sample files not present")


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error_of(path: Path, reader=read_edges) -> str:
    with pytest.raises(InputError) as caught:
        reader(path)
    return str(caught.value)


def test_it_reads_an_edge_csv_with_optional_weights(tmp_path):
    path = write(tmp_path, "ties.csv", "source,target,weight\na,b,2\nb,c,\n\n c , d ,0.5\n")
    graph = read_edges(path)
    assert graph.ties == [("a", "b", 2.0), ("b", "c", None), ("c", "d", 0.5)]
    assert graph.declared_directed is None


def test_it_reads_gephis_capitalised_columns_and_a_named_weight_column(tmp_path):
    path = write(tmp_path, "gephi.csv", "Source,Target,Type,Trust\na,b,Undirected,3\n")
    assert read_edges(path, weight_column="trust").ties == [("a", "b", 3.0)]
    assert read_edges(path).ties == [("a", "b", None)]


def test_it_reads_a_byte_order_mark(tmp_path):
    path = write(tmp_path, "bom.csv", "\ufeffsource,target\na,b\n".encode())
    assert read_edges(path).ties == [("a", "b", None)]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("from,to\na,b\n", "ties.csv, line 1: no 'source' column (columns: from, to)"),
        ("source,target\na,b\n,c\n", "ties.csv, line 3: source is empty"),
        (
            'source,target,weight\n"a\nx",b,1\nc,d,high\n',
            "ties.csv, line 4: weight 'high' is not a number",
        ),
        ("source,target,weight\na,b,-2\n", "ties.csv, line 2: weight '-2' is negative"),
        (
            "source,target,weight\na,b,inf\n",
            "ties.csv, line 2: weight 'inf' is not a finite number",
        ),
        ("source,target\na,b,c\n", "ties.csv, line 2: 3 fields, but the header has 2 columns"),
        ('source,target\na,"b\n', "ties.csv, line 2: malformed CSV"),
        ("source,target,Source\n", "ties.csv, line 1: the header names column 'Source' twice"),
        ("", "ties.csv: is empty: expected a header row"),
        ("source,target\na,b\x00\n", "ties.csv, line 2: contains a NUL character"),
    ],
)
def test_it_names_the_line_and_problem_of_a_malformed_edge_csv(tmp_path, content, expected):
    assert error_of(write(tmp_path, "ties.csv", content)).startswith(str(tmp_path / expected))


def test_it_names_the_line_of_bytes_that_are_not_utf8(tmp_path):
    path = write(tmp_path, "ties.csv", b"source,target\na,b\nc,\xff\n")
    assert error_of(path) == f"{path}, line 3: is not UTF-8 text"


def test_it_names_a_missing_weight_column(tmp_path):
    path = write(tmp_path, "ties.csv", "source,target\na,b\n")
    with pytest.raises(InputError, match="line 1: no weight column 'trust'"):
        read_edges(path, weight_column="trust")


def test_it_refuses_unknown_file_types_missing_files_and_folders(tmp_path):
    assert "unknown file type" in error_of(write(tmp_path, "ties.txt", "x"))
    assert error_of(tmp_path / "absent.csv") == f"{tmp_path / 'absent.csv'}: no such file"
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert "is a folder" in error_of(folder)


def test_it_reads_a_node_csv_with_attributes(tmp_path):
    path = write(
        tmp_path,
        "nodes.csv",
        "ID,name,sector,notes\n1,City Hall,local government,\n2,Bank,business,x\n",
    )
    assert read_nodes(path) == [
        {"id": "1", "name": "City Hall", "sector": "local government"},
        {"id": "2", "name": "Bank", "sector": "business", "notes": "x"},
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name,sector\nx,y\n", "line 1: no 'id' column (columns: name, sector)"),
        ("id,name\n1,a\n2,b\n1,c\n", "line 4: id '1' already appears on line 2"),
        ("id,name\n,a\n", "line 2: id is empty"),
    ],
)
def test_it_names_the_line_and_problem_of_a_malformed_node_csv(tmp_path, content, expected):
    path = write(tmp_path, "nodes.csv", content)
    assert error_of(path, read_nodes) == f"{path}, {expected}"


@needs_samples
def test_it_reads_the_florentine_families_graphml():
    graph = read_edges(SAMPLES / "graphml_networkx_florentine.graphml")
    assert len(graph.nodes) == 15
    assert len(graph.ties) == 20
    assert graph.declared_directed is False
    assert graph.nodes[1] == {"id": "Medici", "sector": "family"}


@needs_samples
@pytest.mark.parametrize(
    "name", sorted(p.name for p in (SAMPLES / "gexf").glob("*.gexf")) if SAMPLES.is_dir() else []
)
def test_it_reads_every_sample_gexf(name):
    graph = read_edges(SAMPLES / "gexf" / name)
    assert graph.nodes


@needs_samples
def test_it_reads_gexf_labels_attributes_weights_and_direction():
    minimal = read_edges(SAMPLES / "gexf" / "minimal_valid_1.3.gexf")
    assert minimal.nodes[0] == {"id": "a", "label": "A", "sector": "public"}
    assert minimal.ties == [("a", "b", 2.5)]
    assert minimal.declared_directed is False
    assert read_edges(SAMPLES / "gexf" / "gephi_primer13_simple.gexf").declared_directed is True
    florentine = read_edges(SAMPLES / "gexf" / "networkx_florentine_1.2draft.gexf")
    assert (len(florentine.nodes), len(florentine.ties)) == (15, 20)


GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:y="http://www.yworks.com/xml/graphml">
  <key id="s" for="node" attr.name="sector" attr.type="string"><default>unknown</default></key>
  <key id="n" for="node" attr.name="size" attr.type="int"/>
  <key id="w" for="edge" attr.name="weight" attr.type="double"/>
  <graph edgedefault="directed">
    <node id="a"><data key="s">business</data><data key="n">3</data><y:ShapeNode/></node>
    <node id="b"/>
    <edge source="a" target="b"><data key="w">2.5</data></edge>
    <edge source="b" target="c" directed="false"/>
  </graph>
</graphml>
"""


def test_it_reads_graphml_attributes_defaults_weights_and_mixed_directions(tmp_path):
    graph = read_edges(write(tmp_path, "g.graphml", GRAPHML))
    assert graph.nodes == [
        {"id": "a", "sector": "business", "size": 3},
        {"id": "b", "sector": "unknown"},
    ]
    assert graph.declared_directed is True
    assert graph.ties_for(directed=True) == [("a", "b", 2.5), ("b", "c", None), ("c", "b", None)]
    assert graph.ties_for(directed=False) == [("a", "b", 2.5), ("b", "c", None)]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('<data key="w">2.5</data>', '<data key="w">lots</data>'),
            "line 9: weight 'lots' is not a number",
        ),
        (
            ('<data key="n">3</data>', '<data key="zz">3</data>'),
            "line 7: data refers to key 'zz', which no <key> declares",
        ),
        (('<node id="b"/>', '<node id="a"/>'), "line 8: node id 'a' appears more than once"),
        (('source="b" target="c"', 'source="b"'), "line 10: edge has no target"),
        (('<node id="b"/>', "<hyperedge/>"), "line 8: hyperedges are not supported"),
        (("</graph>", "</grph>"), "line 11: not well-formed XML (mismatched tag)"),
        (
            ('<data key="n">3</data>', '<data key="n">three</data>'),
            "line 7: size 'three' is not a number (int)",
        ),
    ],
)
def test_it_names_the_line_and_problem_of_a_malformed_graphml(tmp_path, change, expected):
    old, new = change
    path = write(tmp_path, "g.graphml", GRAPHML.replace(old, new))
    assert error_of(path) == f"{path}, {expected}"


def test_it_refuses_xml_entity_declarations(tmp_path):
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE graphml [\n<!ENTITY lol "lol">\n'
        '<!ENTITY lol2 "&lol;&lol;&lol;">\n]>\n<graphml><graph/></graphml>\n'
    )
    path = write(tmp_path, "laughs.graphml", laughs)
    assert error_of(path) == f"{path}, line 3: entity declarations are not allowed"


def test_it_refuses_a_file_whose_root_is_not_the_format_it_claims(tmp_path):
    path = write(tmp_path, "wrong.gexf", "<graphml/>")
    assert error_of(path) == f"{path}, line 1: the root element is <graphml>, not <gexf>"


def test_it_reads_a_yed_group_node_and_its_members_as_networkx_does():
    path = FIXTURES / "yed_groups.graphml"
    graph = read_edges(path, weight_column="trust")
    theirs = nx.read_graphml(path)
    assert [node["id"] for node in graph.nodes] == list(theirs)
    assert sorted(graph.ties) == sorted(theirs.edges(data="trust"))
    assert graph.declared_directed is theirs.is_directed()
    for node in graph.nodes:
        assert node["sector"] == theirs.nodes[node["id"]]["sector"]
        if theirs.nodes[node["id"]].get("label"):
            assert node["label"] == theirs.nodes[node["id"]]["label"]


def test_it_reads_the_labels_yed_shows():
    graph = read_edges(FIXTURES / "yed_groups.graphml")
    labels = {node["id"]: node["label"] for node in graph.nodes}
    assert labels == {
        "n0": "City Hall",  # a ShapeNode's label, without its label model
        "n1": "Riverton Health Coalition",  # the group's open realizer (networkx reads none)
        "n1::n0": "Riverton Hospital",
        "n1::n1": "St Mark's Clinic",  # a GenericNode
        "n2": "Riverton Community Foundation",  # the first label with text (networkx: None)
    }
    # yEd's graphics keys (d7, the nodegraphics) are not attributes.
    names = {name for node in graph.nodes for name in node}
    assert names == {"id", "label", "sector", "url", "description"}


YED_FOLDER = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:y="http://www.yworks.com/xml/graphml">
  <key for="node" id="d6" yfiles.type="nodegraphics"/>
  <key attr.name="label" attr.type="string" for="node" id="d7"/>
  <graph edgedefault="directed" id="G">
    <node id="n0" yfiles.foldertype="folder">
      <data key="d7">from a data key</data>
      <data key="d6"><y:ProxyAutoBoundsNode><y:Realizers active="1">
        <y:GroupNode><y:NodeLabel>Youth Council (open)</y:NodeLabel></y:GroupNode>
        <y:GroupNode><y:NodeLabel>Youth Council</y:NodeLabel></y:GroupNode>
      </y:Realizers></y:ProxyAutoBoundsNode></data>
      <graph edgedefault="undirected" id="n0:">
        <node id="n0::n0"/>
        <node id="n0::n1"><data key="d7">Maya</data></node>
        <edge source="n0::n0" target="n0::n1"/>
        <edge source="n0::n0" target="n0::n1" directed="true"/>
      </graph>
      <data key="d6"/>
    </node>
    <edge source="n0::n1" target="n0"/>
  </graph>
</graphml>
"""


def test_it_reads_a_closed_yed_folder_its_active_label_and_its_own_edge_default(tmp_path):
    graph = read_edges(write(tmp_path, "folder.graphml", YED_FOLDER))
    assert graph.nodes == [
        {"id": "n0", "label": "Youth Council"},
        {"id": "n0::n0"},
        {"id": "n0::n1", "label": "Maya"},
    ]
    assert graph.declared_directed is True
    # The folder's graph says undirected; an edge's own `directed` still wins.
    assert graph.tie_directed == [False, True, None]


def test_it_refuses_a_second_top_level_graph_but_not_nested_ones(tmp_path):
    second = YED_FOLDER.replace(
        "  </graph>\n</graphml>", '  </graph>\n  <graph edgedefault="directed"/>\n</graphml>'
    )
    path = write(tmp_path, "two.graphml", second)
    assert error_of(path) == f"{path}, line 22: more than one graph in the file"


def test_it_reads_cytoscapes_name_column_as_the_label():
    # Cytoscape's GraphML writer: no namespace, every key `for="node"` (edge columns too).
    path = FIXTURES / "cytoscape_names.graphml"
    graph = read_edges(path, weight_column="trust")
    assert graph.ties == [("152", "153", 4.0), ("153", "154", 2.0)]
    assert graph.nodes[0]["name"] == "City Hall"
    result = analyze(graph.nodes, graph.ties)
    assert [node["label"] for node in result.nodes] == [
        "City Hall",
        "Riverton Community Foundation",
        "First Bank",
    ]
    with pytest.raises(InputError, match="edge attributes: SUID, shared name, shared interaction"):
        read_edges(path, weight_column="weight")


GEXF = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <graph defaultedgetype="undirected">
    <attributes class="node"><attribute id="0" title="sector" type="string"/></attributes>
    <attributes class="edge"><attribute id="t" title="trust" type="float"/></attributes>
    <nodes>
      <node id="a" label="A"><attvalues><attvalue for="0" value="media"/></attvalues></node>
      <node id="b" label="B"/>
    </nodes>
    <edges>
      <edge source="a" target="b" weight="2"><attvalues><attvalue for="t" value="4"/></attvalues></edge>
    </edges>
  </graph>
</gexf>
"""


def test_it_uses_gephis_gexf_label_as_the_stakeholders_label(tmp_path):
    graph = read_edges(write(tmp_path, "g.gexf", GEXF))
    result = analyze(graph.nodes, graph.ties)
    assert [node["label"] for node in result.nodes] == ["A", "B"]


def test_it_reads_a_gexf_edge_attribute_as_the_weight_when_asked(tmp_path):
    path = write(tmp_path, "g.gexf", GEXF)
    assert read_edges(path).ties == [("a", "b", 2.0)]
    assert read_edges(path, weight_column="trust").ties == [("a", "b", 4.0)]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('for="0"', 'for="9"'), "line 7: attvalue for '9', which no node attribute declares"),
        (('weight="2"', 'weight="-1"'), "line 11: weight '-1' is negative"),
        (('defaultedgetype="undirected"', 'defaultedgetype="sideways"'), "line 3: defaultedgetype"),
    ],
)
def test_it_names_the_line_and_problem_of_a_malformed_gexf(tmp_path, change, expected):
    old, new = change
    path = write(tmp_path, "g.gexf", GEXF.replace(old, new))
    assert error_of(path).startswith(f"{path}, {expected}")


def test_it_refuses_a_weight_attribute_the_graphml_edges_do_not_have(tmp_path):
    path = write(tmp_path, "g.graphml", GRAPHML)
    with pytest.raises(InputError) as caught:
        read_edges(path, weight_column="trsut")
    assert str(caught.value) == f"{path}: no weight attribute 'trsut' (edge attributes: weight)"
    assert read_edges(path, weight_column="WEIGHT").ties[0] == ("a", "b", 2.5)


def test_it_refuses_a_weight_attribute_the_gexf_edges_do_not_have(tmp_path):
    path = write(tmp_path, "g.gexf", GEXF)
    with pytest.raises(InputError) as caught:
        read_edges(path, weight_column="trsut")
    assert (
        str(caught.value) == f"{path}: no weight attribute 'trsut' (edge attributes: weight, trust)"
    )


def test_it_names_no_attributes_when_the_ties_have_none(tmp_path):
    bare = GRAPHML.replace('<key id="w" for="edge" attr.name="weight" attr.type="double"/>', "")
    path = write(tmp_path, "g.graphml", bare.replace('<data key="w">2.5</data>', ""))
    with pytest.raises(InputError, match=r"no weight attribute 'weight' \(the ties have none\)$"):
        read_edges(path, weight_column="weight")
    gexf = write(tmp_path, "g.gexf", GEXF.replace(' weight="2"', ""))
    with pytest.raises(
        InputError, match=r"no weight attribute 'weight' \(edge attributes: trust\)$"
    ):
        read_edges(gexf, weight_column="weight")


def test_it_reads_files_without_weights_when_no_weight_is_named(tmp_path):
    bare = GRAPHML.replace('<key id="w" for="edge" attr.name="weight" attr.type="double"/>', "")
    path = write(tmp_path, "g.graphml", bare.replace('<data key="w">2.5</data>', ""))
    assert read_edges(path).ties == [("a", "b", None), ("b", "c", None)]
    gexf = write(tmp_path, "g.gexf", GEXF.replace(' weight="2"', ""))
    assert read_edges(gexf).ties == [("a", "b", None)]
    csv_path = write(tmp_path, "ties.csv", "source,target\na,b\n")
    assert read_edges(csv_path).ties == [("a", "b", None)]


def read_text_as(name: str, content: bytes):
    with tempfile.TemporaryDirectory() as folder:
        return read_edges(write(Path(folder), name, content))


@checked
@given(st.binary(max_size=200), st.sampled_from(["x.csv", "x.graphml", "x.gexf"]))
def test_it_reports_any_garbage_as_an_input_error(content, name):
    try:
        read_text_as(name, content)
    except InputError as error:
        assert str(error).count("\n") == 0


ids = (
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1)
    .map(str.strip)
    .filter(bool)
)


@checked
@given(st.lists(st.tuples(ids, ids, st.one_of(st.none(), st.floats(0, 1e6)))))
def test_it_reads_back_any_edge_list_written_as_csv(ties):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["source", "target", "weight"])
    for source, target, weight in ties:
        writer.writerow([source, target, "" if weight is None else repr(weight)])
    assert read_text_as("ties.csv", buffer.getvalue().encode()).ties == ties
