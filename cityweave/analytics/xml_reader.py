"""GraphML and GEXF readers on expat, so every problem can name its line.

Entity declarations are refused (no "billion laughs"), external entities are never fetched, and
elements from other namespaces (yEd's graphics, GEXF's viz) are skipped, except that the GraphML
reader takes yEd's node labels from them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

NUMBER_TYPES = {"int": int, "integer": int, "long": int, "float": float, "double": float}


class XmlProblem(Exception):
    """A problem at a line of an XML file."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class ParsedGraph:
    """Nodes (dicts with `id`), ties, whether each tie is directed, and the file's default."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    ties: list[tuple[str, str, float | None]] = field(default_factory=list)
    tie_directed: list[bool | None] = field(default_factory=list)
    directed: bool | None = None
    node_index: dict[str, int] = field(default_factory=dict)

    def add_node(self, node_id: str | None, line: int) -> dict[str, Any]:
        if not node_id:
            raise XmlProblem(line, "node has no id")
        if node_id in self.node_index:
            raise XmlProblem(line, f"node id {node_id!r} appears more than once")
        self.node_index[node_id] = len(self.nodes)
        node: dict[str, Any] = {"id": node_id}
        self.nodes.append(node)
        return node


@dataclass
class _Key:
    name: str
    target: str
    kind: str
    default: str | None = None
    default_line: int = 0
    yfiles_type: str | None = None


def convert(text: str, kind: str, line: int, name: str) -> Any:
    """A typed attribute value: numbers and booleans converted, anything else kept as text."""
    kind = kind.lower()
    value = text.strip()
    if kind in NUMBER_TYPES:
        try:
            return NUMBER_TYPES[kind](value)
        except ValueError:
            raise XmlProblem(line, f"{name} {value!r} is not a number ({kind})") from None
    if kind == "boolean":
        if value.lower() in ("true", "1"):
            return True
        if value.lower() in ("false", "0"):
            return False
        raise XmlProblem(line, f"{name} {value!r} is not true or false")
    return text


def weight_value(text: str, line: int) -> float | None:
    value = text.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise XmlProblem(line, f"weight {value!r} is not a number") from None
    if not math.isfinite(number):
        raise XmlProblem(line, f"weight {value!r} is not a finite number")
    if number < 0:
        raise XmlProblem(line, f"weight {value!r} is negative")
    return number


class _ExpatReader:
    """Drive expat: subclasses get start/end/text callbacks with local names and line numbers."""

    root_name = ""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.EntityDeclHandler = self._refuse_entities
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.namespace: str | None = None
        self.depth = 0
        self.foreign_depth = 0
        self.buffer: list[str] = []

    def parse(self, data: bytes) -> None:
        try:
            self.parser.Parse(data, True)
        except expat.ExpatError as error:
            raise XmlProblem(
                error.lineno, f"not well-formed XML ({expat.errors.messages[error.code]})"
            ) from None
        if self.namespace is None:
            raise XmlProblem(None, f"no <{self.root_name}> element")

    @property
    def line(self) -> int:
        return int(self.parser.CurrentLineNumber)

    def _refuse_entities(self, *_: Any) -> None:
        raise XmlProblem(self.line, "entity declarations are not allowed")

    def _split(self, name: str) -> tuple[str, str]:
        namespace, _, local = name.rpartition(" ")
        return namespace, local

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, local = self._split(name)
        self.depth += 1
        if self.depth == 1:
            if local != self.root_name:
                raise XmlProblem(
                    self.line, f"the root element is <{local}>, not <{self.root_name}>"
                )
            self.namespace = namespace
        if self.foreign_depth or namespace != self.namespace:
            self.foreign_depth += 1
            self.foreign_start(local, {key.rpartition(" ")[2]: v for key, v in attributes.items()})
            return
        self.start(local, {key.rpartition(" ")[2]: value for key, value in attributes.items()})

    def _end(self, name: str) -> None:
        self.depth -= 1
        if self.foreign_depth:
            self.foreign_depth -= 1
            self.foreign_end()
            return
        self.end(self._split(name)[1])

    def _text(self, data: str) -> None:
        if self.foreign_depth:
            self.foreign_text(data)
        else:
            self.text(data)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        raise NotImplementedError

    def text(self, data: str) -> None:
        raise NotImplementedError

    def foreign_start(self, name: str, attributes: dict[str, str]) -> None:
        """An element of another namespace (or inside one) opens; most readers skip it."""

    def foreign_end(self) -> None:
        """That element closes."""

    def foreign_text(self, data: str) -> None:
        """Text inside it."""

    def _set_default(self, key: _Key) -> None:
        """Keep an attribute's default, checked now so a bad one is reported at its own line."""
        key.default = "".join(self.buffer)
        key.default_line = self.line
        convert(key.default, key.kind, key.default_line, key.name)


def missing_weight(name: str, attributes: list[str]) -> XmlProblem:
    """The error for a weight attribute the file's ties do not have, naming the ones they do."""
    have = f"edge attributes: {', '.join(attributes)}" if attributes else "the ties have none"
    return XmlProblem(None, f"no weight attribute '{name}' ({have})")


class _YedLabel:
    """The label yEd shows for a node, read from its `nodegraphics` data.

    yEd writes it as `<y:NodeLabel>text</y:NodeLabel>` inside `<y:ShapeNode>`, `<y:GenericNode>`,
    `<y:SVGNode>`, `<y:ImageNode>` and so on; a group node's `<y:ProxyAutoBoundsNode>` holds one
    realizer per state (open group, closed folder) under `<y:Realizers active="N">`, and the label
    shown is the active realizer's. The label is the first non-blank one (the active realizer's
    first, when there are realizers), its own text only (not that of the `<y:LabelModel>` and
    `<y:ModelParameter>` elements yEd writes inside it), stripped.
    """

    def __init__(self) -> None:
        self.path: list[str] = []  # the open yEd elements, outermost first
        self.realizers_depth: int | None = None  # where an open <y:Realizers> is in the path
        self.active = 0
        self.realizers_seen = 0
        self.realizer: int | None = None  # which realizer we are inside, counting from 0
        self.label_depth: int | None = None  # where an open <y:NodeLabel> is in the path
        self.text: list[str] = []
        self.labels: list[tuple[int | None, str]] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        depth = len(self.path)
        if self.realizers_depth is not None and depth == self.realizers_depth + 1:
            self.realizer = self.realizers_seen
            self.realizers_seen += 1
        if name == "Realizers":
            self.realizers_depth = depth
            active = attributes.get("active", "0")
            self.active = int(active) if active.isdigit() else 0
        elif name == "NodeLabel" and self.label_depth is None:
            self.label_depth = depth
            self.text = []
        self.path.append(name)

    def end(self) -> None:
        self.path.pop()
        depth = len(self.path)
        if depth == self.label_depth:
            self.labels.append((self.realizer, "".join(self.text).strip()))
            self.label_depth = None
        if self.realizers_depth is not None and depth == self.realizers_depth + 1:
            self.realizer = None
        if depth == self.realizers_depth:
            self.realizers_depth = None

    def add_text(self, data: str) -> None:
        if self.label_depth is not None and len(self.path) == self.label_depth + 1:
            self.text.append(data)

    def label(self) -> str | None:
        """The first non-blank label of the active realizer, else the first non-blank one."""
        shown = [text for realizer, text in self.labels if text and realizer in (None, self.active)]
        others = [text for _, text in self.labels if text]
        if shown:
            return shown[0]
        return others[0] if others else None


class _GraphmlReader(_ExpatReader):
    """GraphML with nested graphs (yEd's groups): every node at every level, and every edge.

    As networkx's `read_graphml` reads a yEd group: the group node is a node like any other, the
    nodes and edges of the graph nested in it are read too. networkx descends only into nodes
    marked `yfiles.foldertype="group"`; this reader descends into every nested graph (yEd's closed
    folders, `yfiles.foldertype="folder"`, included), as the GraphML specification allows. An edge
    without a `directed` attribute takes the `edgedefault` of the graph it is written in.

    Labels: yEd's node label (see `_YedLabel`) becomes the node's `label`, over any data named
    `label`. Other tools' own names need nothing special: Cytoscape writes its `name` column as a
    key with attr.name="name", read as the `name` attribute, which the analysis uses as the label
    when there is no `label`. Data with child elements (yEd's graphics) is never stored as text,
    nor is data for keys with a `yfiles.type`.
    """

    root_name = "graphml"

    def __init__(self, weight_name: str | None) -> None:
        super().__init__()
        self.wanted_weight = weight_name
        self.weight_name = (weight_name or "weight").lower()
        self.graph = ParsedGraph()
        self.keys: dict[str, _Key] = {}
        self.key: _Key | None = None
        self.graphs = 0
        # The open graph, node and edge elements, innermost last: (kind, node, edge, directed).
        self.open: list[tuple[str, dict[str, Any] | None, int | None, bool]] = []
        self.data: tuple[_Key, int] | None = None
        self.data_owner: tuple[str, dict[str, Any] | None, int | None, bool] | None = None
        self.data_has_children = False
        self.yed: _YedLabel | None = None
        self.yed_labels: dict[str, str] = {}
        self.edge_key_names: dict[str, None] = {}

    @property
    def node(self) -> dict[str, Any] | None:
        return self.open[-1][1] if self.open and self.open[-1][0] == "node" else None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        line = self.line
        if name == "key":
            key_id = attributes.get("id")
            if not key_id:
                raise XmlProblem(line, "key has no id")
            self.key = _Key(
                attributes.get("attr.name", key_id),
                attributes.get("for", "all"),
                attributes.get("attr.type", "string"),
                yfiles_type=attributes.get("yfiles.type"),
            )
            self.keys[key_id] = self.key
        elif name == "default":
            self.buffer = []
        elif name == "graph":
            self._start_graph(attributes, line)
        elif name == "node" and self.open:
            node = self.graph.add_node(attributes.get("id"), line)
            self.open.append(("node", node, None, self.open[-1][3]))
        elif name == "edge" and self.open:
            self._start_edge(attributes, line)
        elif name == "hyperedge":
            raise XmlProblem(line, "hyperedges are not supported")
        elif name == "data":
            key_id = attributes.get("key", "")
            if key_id not in self.keys:
                raise XmlProblem(line, f"data refers to key {key_id!r}, which no <key> declares")
            key = self.keys[key_id]
            self.data = (key, line)
            self.data_owner = self.open[-1] if self.open else None
            self.data_has_children = False
            if key.yfiles_type == "nodegraphics" and self.node is not None:
                self.yed = _YedLabel()
            self.buffer = []

    def _start_graph(self, attributes: dict[str, str], line: int) -> None:
        default = attributes.get("edgedefault", "directed")
        if default not in ("directed", "undirected"):
            raise XmlProblem(line, f"edgedefault {default!r} is not directed or undirected")
        if not self.open:
            self.graphs += 1
            if self.graphs > 1:
                raise XmlProblem(line, "more than one graph in the file")
            self.graph.directed = default == "directed"
        self.open.append(("graph", None, None, default == "directed"))

    def _start_edge(self, attributes: dict[str, str], line: int) -> None:
        source, target = attributes.get("source"), attributes.get("target")
        if not source or not target:
            raise XmlProblem(line, f"edge has no {'source' if not source else 'target'}")
        directed = attributes.get("directed")
        if directed not in (None, "true", "false"):
            raise XmlProblem(line, f"edge directed={directed!r} is not true or false")
        graph_directed = self.open[-1][3]
        if directed is not None:
            tie_directed: bool | None = directed == "true"
        elif graph_directed != self.graph.directed:
            tie_directed = graph_directed  # a nested graph with its own edgedefault
        else:
            tie_directed = None
        edge = len(self.graph.ties)
        self.graph.ties.append((source, target, None))
        self.graph.tie_directed.append(tie_directed)
        self.open.append(("edge", None, edge, graph_directed))

    def end(self, name: str) -> None:
        if name == "default" and self.key is not None:
            self._set_default(self.key)
        elif name == "key":
            self.key = None
        elif name in ("graph", "node", "edge") and self.open and self.open[-1][0] == name:
            self.open.pop()
        elif name == "data" and self.data is not None:
            key, line = self.data
            self._store("".join(self.buffer), key, line)
            self.data = None
            self.yed = None

    def foreign_start(self, name: str, attributes: dict[str, str]) -> None:
        if self.data is not None:
            self.data_has_children = True
            if self.yed is not None:
                self.yed.start(name, attributes)

    def foreign_end(self) -> None:
        if self.yed is not None:
            self.yed.end()

    def foreign_text(self, data: str) -> None:
        if self.yed is not None:
            self.yed.add_text(data)

    def _store(self, text: str, key: _Key, line: int) -> None:
        if self.data_owner is None:
            return
        kind, node, edge, _ = self.data_owner
        if self.yed is not None and node is not None:
            label = self.yed.label()
            if label is not None:
                self.yed_labels[node["id"]] = label
        if key.yfiles_type is not None or self.data_has_children:
            return  # yEd's graphics and other extensions: structure, not a value
        if kind == "edge" and edge is not None:
            self.edge_key_names[key.name] = None
            if key.name.lower() == self.weight_name:
                source, target, _ = self.graph.ties[edge]
                self.graph.ties[edge] = (source, target, weight_value(text, line))
        elif kind == "node" and node is not None:
            node[key.name] = convert(text, key.kind, line, key.name)

    def text(self, data: str) -> None:
        self.buffer.append(data)

    def edge_attributes(self) -> list[str]:
        """The names of the attributes the file declares for edges or gives its edges, in order.

        Cytoscape declares every key `for="node"`, edge columns too, so the keys edges use count.
        """
        declared = [
            key.name
            for key in self.keys.values()
            if key.target in ("edge", "all") and key.yfiles_type is None
        ]
        return list(dict.fromkeys([*declared, *self.edge_key_names]))

    def finish(self) -> ParsedGraph:
        edge_attributes = self.edge_attributes()
        if self.wanted_weight is not None and self.weight_name not in (
            name.lower() for name in edge_attributes
        ):
            raise missing_weight(self.wanted_weight, edge_attributes)
        for key in self.keys.values():
            if key.default is None or key.yfiles_type is not None:
                continue
            if key.target in ("node", "all"):
                for node in self.graph.nodes:
                    node.setdefault(
                        key.name, convert(key.default, key.kind, key.default_line, key.name)
                    )
            if key.target in ("edge", "all") and key.name.lower() == self.weight_name:
                weight = weight_value(key.default, key.default_line)
                self.graph.ties = [
                    (s, t, weight if w is None else w) for s, t, w in self.graph.ties
                ]
        for node in self.graph.nodes:
            if node["id"] in self.yed_labels:
                node["label"] = self.yed_labels[node["id"]]
        return self.graph


class _GexfReader(_ExpatReader):
    root_name = "gexf"

    def __init__(self, weight_name: str | None) -> None:
        super().__init__()
        self.wanted_weight = weight_name
        self.weight_name = (weight_name or "weight").lower()
        self.has_weight_attribute = False
        self.graph = ParsedGraph()
        self.attribute_class: str | None = None
        self.attributes: dict[tuple[str, str], _Key] = {}
        self.attribute: _Key | None = None
        self.node: dict[str, Any] | None = None
        self.edge: int | None = None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        line = self.line
        if name == "graph":
            default = attributes.get("defaultedgetype", "undirected")
            if default not in ("directed", "undirected", "mutual"):
                raise XmlProblem(line, f"defaultedgetype {default!r} is not directed or undirected")
            self.graph.directed = default == "directed"
        elif name == "attributes":
            self.attribute_class = attributes.get("class", "node")
        elif name == "attribute" and self.attribute_class is not None:
            attribute_id = attributes.get("id")
            if attribute_id is None:
                raise XmlProblem(line, "attribute has no id")
            self.attribute = _Key(
                attributes.get("title", attribute_id),
                self.attribute_class,
                attributes.get("type", "string"),
            )
            self.attributes[(self.attribute_class, attribute_id)] = self.attribute
        elif name == "default":
            self.buffer = []
        elif name == "node":
            self.node = self.graph.add_node(attributes.get("id"), line)
            if attributes.get("label"):
                self.node["label"] = attributes["label"]
        elif name == "edge":
            self._start_edge(attributes, line)
        elif name == "attvalue":
            self._attribute_value(attributes, line)

    def _start_edge(self, attributes: dict[str, str], line: int) -> None:
        source, target = attributes.get("source"), attributes.get("target")
        if not source or not target:
            raise XmlProblem(line, f"edge has no {'source' if not source else 'target'}")
        kind = attributes.get("type")
        if kind not in (None, "directed", "undirected", "mutual"):
            raise XmlProblem(line, f"edge type {kind!r} is not directed or undirected")
        weight = None
        if "weight" in attributes:
            self.has_weight_attribute = True
            if self.weight_name == "weight":
                weight = weight_value(attributes["weight"], line)
        self.edge = len(self.graph.ties)
        self.graph.ties.append((source, target, weight))
        self.graph.tie_directed.append(None if kind is None else kind == "directed")

    def _attribute_value(self, attributes: dict[str, str], line: int) -> None:
        attribute_id = attributes.get("for", attributes.get("id"))
        value = attributes.get("value")
        if attribute_id is None or value is None:
            raise XmlProblem(line, "attvalue needs 'for' and 'value'")
        if self.node is not None:
            key = self.attributes.get(("node", attribute_id))
            if key is None:
                raise XmlProblem(
                    line, f"attvalue for {attribute_id!r}, which no node attribute declares"
                )
            self.node[key.name] = convert(value, key.kind, line, key.name)
        elif self.edge is not None:
            key = self.attributes.get(("edge", attribute_id))
            if key is None:
                raise XmlProblem(
                    line, f"attvalue for {attribute_id!r}, which no edge attribute declares"
                )
            if key.name.lower() == self.weight_name:
                source, target, _ = self.graph.ties[self.edge]
                self.graph.ties[self.edge] = (source, target, weight_value(value, line))

    def end(self, name: str) -> None:
        if name == "default" and self.attribute is not None:
            self._set_default(self.attribute)
        elif name == "attribute":
            self.attribute = None
        elif name == "attributes":
            self.attribute_class = None
        elif name == "node":
            self.node = None
        elif name == "edge":
            self.edge = None

    def text(self, data: str) -> None:
        self.buffer.append(data)

    def edge_attributes(self) -> list[str]:
        """GEXF's own `weight` when an edge has one, then the declared edge attributes' titles."""
        names = ["weight"] if self.has_weight_attribute else []
        names += [key.name for (kind, _), key in self.attributes.items() if kind == "edge"]
        return list(dict.fromkeys(names))

    def finish(self) -> ParsedGraph:
        edge_attributes = self.edge_attributes()
        if self.wanted_weight is not None and self.weight_name not in (
            name.lower() for name in edge_attributes
        ):
            raise missing_weight(self.wanted_weight, edge_attributes)
        for (kind, _), key in self.attributes.items():
            if key.default is None:
                continue
            if kind == "node":
                for node in self.graph.nodes:
                    node.setdefault(
                        key.name, convert(key.default, key.kind, key.default_line, key.name)
                    )
            elif key.name.lower() == self.weight_name:
                weight = weight_value(key.default, key.default_line)
                self.graph.ties = [
                    (s, t, weight if w is None else w) for s, t, w in self.graph.ties
                ]
        return self.graph


def read_graphml(data: bytes, weight_name: str | None = None) -> ParsedGraph:
    """Parse GraphML bytes; raise XmlProblem naming the line of the first problem.

    `weight_name` is the edge attribute holding tie strength (matched ignoring case). None means
    `weight` when the file has it and no weights otherwise; a name the file's edges do not have
    is an error naming the attributes they do have.
    """
    reader = _GraphmlReader(weight_name)
    reader.parse(data)
    return reader.finish()


def read_gexf(data: bytes, weight_name: str | None = None) -> ParsedGraph:
    """Parse GEXF bytes; raise XmlProblem naming the line of the first problem.

    `weight_name` as for `read_graphml`; GEXF's own `weight` attribute on `<edge>` counts as an
    edge attribute named `weight`.
    """
    reader = _GexfReader(weight_name)
    reader.parse(data)
    return reader.finish()
