"""Reading networks from files: CSV edge lists, node CSVs, GraphML and GEXF, with line-numbered errors.

- Edge CSV: a header with `source` and `target` (any case) and optionally a weight column; one
  tie per row. A blank weight means 1.
- Node CSV: a header with `id` (any case); every other column is an attribute. Blank cells are
  no value.
- GraphML and GEXF: nodes with their attributes, edges with their weight (GraphML: the edge key
  whose name is the weight column; GEXF: the `weight` attribute or an edge attribute of that
  title), and whether the file declares its edges directed. GraphML's nested graphs (yEd's
  groups and folders) are read whole: the group node and every node and edge inside it.
- Labels as each tool stores them: Gephi's GEXF `label` attribute and yEd's node label (the
  `<y:NodeLabel>` in its `nodegraphics` data) become `label`; Cytoscape's `name` column is the
  `name` attribute. The analysis shows `label`, else `name`, else the id.
- The weight: `weight` when the file has it, else none; a weight column or attribute asked for
  by name must exist, in every format (`no weight attribute 'trsut' (edge attributes: trust)`).

Every problem raises InputError, whose message names the file, the line and the problem:
`ties.csv, line 7: weight 'high' is not a number`.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cityweave.analytics.xml_reader import XmlProblem, read_gexf, read_graphml

EDGE_SUFFIXES = {".csv": "csv", ".graphml": "graphml", ".xml": "graphml", ".gexf": "gexf"}


class InputError(ValueError):
    """A problem in an input file, at a line when one can be named."""

    def __init__(self, path: str | Path, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


class FileTooLargeError(InputError):
    """A file bigger than the reader was allowed to read, refused before reading it."""

    def __init__(self, path: str | Path, size: int | None, max_bytes: int) -> None:
        self.size = size
        self.max_bytes = max_bytes
        limit = describe_size(max_bytes)
        problem = f"is over the {limit} limit"
        if size is not None:
            problem = f"is {describe_size(size)}, over the {limit} limit"
        super().__init__(path, None, problem)


def describe_size(size: int) -> str:
    """A byte count for people: `250.3 MB` (decimal megabytes), or `512 bytes` below 0.1 MB."""
    if size < 100_000:
        return f"{size:,} bytes"
    return f"{size / 1_000_000:,.1f} MB".replace(".0 MB", " MB")


@dataclass
class GraphFile:
    """What a file holds: nodes (dicts with `id`), ties, and per tie whether it is directed."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    ties: list[tuple[str, str, float | None]] = field(default_factory=list)
    tie_directed: list[bool | None] = field(default_factory=list)
    declared_directed: bool | None = None

    def ties_for(self, directed: bool) -> list[tuple[str, str, float | None]]:
        """The ties as the analysis needs them: a tie the file calls undirected is two arcs."""
        if not directed:
            return list(self.ties)
        arcs = []
        for (source, target, weight), tie_is_directed in zip(
            self.ties, self.tie_directed, strict=True
        ):
            arcs.append((source, target, weight))
            if tie_is_directed is False:
                arcs.append((target, source, weight))
        return arcs


def read_edges(
    path: str | Path, weight_column: str | None = None, *, max_bytes: int | None = None
) -> GraphFile:
    """Read an edge list (.csv), GraphML (.graphml, .xml) or GEXF (.gexf) file.

    `weight_column` names the column or edge attribute holding tie strength, matched ignoring
    case. None reads `weight` when the file has it (no weights otherwise); a name the file does
    not have is an InputError naming the columns or edge attributes it does have, in every format.
    A file over `max_bytes` (None: no limit) is a FileTooLargeError, raised before it is read.
    """
    kind = EDGE_SUFFIXES.get(Path(path).suffix.lower())
    if kind is None:
        raise InputError(
            path, None, "unknown file type: use .csv, .graphml or .gexf (an edge list or a graph)"
        )
    data = _read_bytes(path, max_bytes)
    if kind == "csv":
        return _read_edge_csv(path, _decode(path, data), weight_column)
    reader = read_graphml if kind == "graphml" else read_gexf
    try:
        parsed = reader(data, weight_column)
    except XmlProblem as problem:
        raise InputError(path, problem.line, problem.message) from None
    return GraphFile(parsed.nodes, parsed.ties, parsed.tie_directed, parsed.directed)


def read_nodes(path: str | Path, *, max_bytes: int | None = None) -> list[dict[str, Any]]:
    """Read a node CSV: an `id` column and attribute columns (`max_bytes` as for `read_edges`)."""
    rows = _csv_rows(path, _decode(path, _read_bytes(path, max_bytes)))
    header_line, header = _header(path, rows)
    lowered = [name.lower() for name in header]
    if "id" not in lowered:
        raise InputError(path, header_line, f"no 'id' column (columns: {', '.join(header)})")
    id_column = lowered.index("id")
    nodes = []
    seen: dict[str, int] = {}
    for line, row in rows:
        _check_width(path, line, row, header)
        node_id = row[id_column].strip()
        if not node_id:
            raise InputError(path, line, "id is empty")
        if node_id in seen:
            raise InputError(path, line, f"id {node_id!r} already appears on line {seen[node_id]}")
        seen[node_id] = line
        node: dict[str, Any] = {"id": node_id}
        for position, name in enumerate(header):
            value = row[position].strip()
            if position != id_column and value:
                node[name] = value
        nodes.append(node)
    return nodes


def _read_edge_csv(path: str | Path, text: str, weight_column: str | None) -> GraphFile:
    rows = _csv_rows(path, text)
    header_line, header = _header(path, rows)
    lowered = [name.lower() for name in header]
    for required in ("source", "target"):
        if required not in lowered:
            raise InputError(
                path, header_line, f"no '{required}' column (columns: {', '.join(header)})"
            )
    source_column, target_column = lowered.index("source"), lowered.index("target")
    weight_index = None
    if weight_column is not None:
        if weight_column.lower() not in lowered:
            raise InputError(
                path,
                header_line,
                f"no weight column '{weight_column}' (columns: {', '.join(header)})",
            )
        weight_index = lowered.index(weight_column.lower())
    elif "weight" in lowered:
        weight_index = lowered.index("weight")

    graph = GraphFile()
    for line, row in rows:
        _check_width(path, line, row, header)
        source, target = row[source_column].strip(), row[target_column].strip()
        for name, value in (("source", source), ("target", target)):
            if not value:
                raise InputError(path, line, f"{name} is empty")
        weight = None
        if weight_index is not None:
            try:
                weight = parse_weight(row[weight_index])
            except ValueError as problem:
                raise InputError(path, line, str(problem)) from None
        graph.ties.append((source, target, weight))
        graph.tie_directed.append(None)
    return graph


def parse_weight(text: str) -> float | None:
    """A tie weight from text: blank is None; anything but a finite number >= 0 is a ValueError."""
    value = text.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"weight {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"weight {value!r} is not a finite number")
    if number < 0:
        raise ValueError(f"weight {value!r} is negative")
    return number


def _read_bytes(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The file's bytes, refusing more than `max_bytes` (None: no limit).

    A file whose size is known is refused before any of it is read; a pipe or device, whose size
    is not, once more than `max_bytes` have arrived.
    """
    try:
        with Path(path).open("rb") as handle:
            if max_bytes is None:
                return handle.read()
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise FileTooLargeError(path, size, max_bytes)
            data = handle.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise FileTooLargeError(path, None, max_bytes)
            return data
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, None, "is a folder, not a file") from None
    except OSError as error:
        raise InputError(path, None, f"cannot be read ({error.strerror})") from None


def _decode(path: str | Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(path, line, "is not UTF-8 text") from None


def _csv_rows(path: str | Path, text: str) -> list[tuple[int, list[str]]]:
    """Non-blank rows with the line each starts on."""
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(path, line, "contains a NUL character: not a CSV file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(path, start, f"malformed CSV ({error})") from None
    return rows


def _header(path: str | Path, rows: list[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    if not rows:
        raise InputError(path, None, "is empty: expected a header row")
    line, header = rows.pop(0)
    header = [name.strip() for name in header]
    seen = set()
    for name in header:
        if not name:
            raise InputError(path, line, "the header has an empty column name")
        if name.lower() in seen:
            raise InputError(path, line, f"the header names column '{name}' twice")
        seen.add(name.lower())
    return line, header


def _check_width(path: str | Path, line: int, row: list[str], header: list[str]) -> None:
    if len(row) != len(header):
        raise InputError(path, line, f"{len(row)} fields, but the header has {len(header)} columns")
