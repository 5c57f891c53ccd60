"""The `analyze` command: read a network file, analyse it, print JSON, CSV or a table."""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cityweave.analytics.analysis import FAST_SAMPLE_SIZE, analyze
from cityweave.analytics.brokerage import ROLES
from cityweave.analytics.io import (
    FileTooLargeError,
    GraphFile,
    InputError,
    read_edges,
    read_nodes,
)
from cityweave.analytics.result import AnalysisResult

DESCRIPTION = "Analyse a network file: centrality, structural holes, brokerage, communities."
# Input files larger than this are refused before they are read (decimal megabytes): a 200 MB
# GraphML holds about two million ties, twice the largest network the design plans for.
DEFAULT_MAX_FILE_MB = 200.0
MAX_FILE_MB_VARIABLE = "CITYWEAVE_ANALYZE_MAX_MB"


def megabytes(text: str) -> float:
    """A file-size limit in megabytes: a number >= 0, where 0 means no limit."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of megabytes") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{text!r} is not a number of megabytes >= 0")
    return value


def _megabytes_option(text: str) -> float:
    try:
        return megabytes(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


TABLE_COLUMNS = (
    "degree",
    "strength",
    "betweenness_normalized",
    "closeness",
    "eigenvector",
    "constraint",
    "effective_size",
    "community",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cityweave analyze", description=DESCRIPTION)
    parser.add_argument(
        "edges", metavar="EDGES", help="edge list: CSV (source,target[,weight]), GraphML or GEXF"
    )
    parser.add_argument(
        "--nodes", metavar="NODES.csv", help="node attributes: CSV with an id column"
    )
    direction = parser.add_mutually_exclusive_group()
    direction.add_argument(
        "--directed", action="store_true", help="ties point from source to target"
    )
    direction.add_argument(
        "--undirected",
        action="store_true",
        help="ignore directions a GraphML or GEXF file declares",
    )
    weighting = parser.add_mutually_exclusive_group()
    weighting.add_argument(
        "--weight",
        metavar="COLUMN",
        help="the column (or edge attribute) holding tie strength; it must exist "
        "(default: 'weight' when the file has one, else unweighted)",
    )
    weighting.add_argument("--unweighted", action="store_true", help="ignore tie weights")
    parser.add_argument(
        "--group", metavar="ATTRIBUTE", help="node attribute to group by, such as sector"
    )
    parser.add_argument(
        "--expected-groups",
        metavar="A,B,...",
        help="comma-separated groups that should be present (reported when missing)",
    )
    parser.add_argument(
        "--format",
        choices=("json", "csv", "table"),
        default="json",
        help="json (everything), csv (one row per node) or table (default json)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    parser.add_argument(
        "--fast",
        action="store_true",
        help=f"estimate betweenness and closeness from {FAST_SAMPLE_SIZE} sampled sources",
    )
    parser.add_argument(
        "--max-file-size",
        type=_megabytes_option,
        metavar="MB",
        help=f"refuse input files larger than this many megabytes; 0 for no limit "
        f"(default ${MAX_FILE_MB_VARIABLE}, else {DEFAULT_MAX_FILE_MB:g})",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--top", type=int, default=25, help="rows in the table format, by betweenness (0: all)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `analyze` with `argv` (the leading word `analyze` is optional); return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["analyze"]:
        arguments = arguments[1:]
    try:
        options = build_parser().parse_args(arguments)
    except SystemExit as exit_request:
        return int(exit_request.code or 0)
    try:
        result = _run(options)
    except FileTooLargeError as error:
        print(
            f"cityweave analyze: {error} (raise it with --max-file-size MB "
            f"or {MAX_FILE_MB_VARIABLE})",
            file=sys.stderr,
        )
        return 2
    except (InputError, ValueError) as error:
        print(f"cityweave analyze: {error}", file=sys.stderr)
        return 2
    rendered = render(result, options.format, options.top)
    if options.output:
        try:
            Path(options.output).write_text(rendered, encoding="utf-8")
        except OSError as error:
            print(
                f"cityweave analyze: {options.output}: cannot write ({error.strerror})",
                file=sys.stderr,
            )
            return 2
    else:
        sys.stdout.write(rendered)
    return 0


def max_file_bytes(option: float | None, environment: Mapping[str, str]) -> int | None:
    """The input size limit in bytes: --max-file-size, else $CITYWEAVE_ANALYZE_MAX_MB, else 200 MB.

    0 means no limit (None). A bad environment value is a ValueError naming the variable.
    """
    limit = option
    if limit is None:
        text = environment.get(MAX_FILE_MB_VARIABLE, "").strip()
        try:
            limit = megabytes(text) if text else DEFAULT_MAX_FILE_MB
        except ValueError as error:
            raise ValueError(f"{MAX_FILE_MB_VARIABLE}: {error}") from None
    return None if limit == 0 else math.floor(limit * 1_000_000)


def _run(options: argparse.Namespace) -> AnalysisResult:
    max_bytes = max_file_bytes(options.max_file_size, os.environ)
    graph = read_edges(options.edges, options.weight, max_bytes=max_bytes)
    nodes = graph.nodes
    if options.nodes:
        nodes = merge_nodes(nodes, read_nodes(options.nodes, max_bytes=max_bytes))
    if options.directed:
        directed = True
    elif options.undirected:
        directed = False
    else:
        directed = bool(graph.declared_directed)
    group = _group_attribute(options, nodes)
    expected = (
        [name.strip() for name in options.expected_groups.split(",") if name.strip()]
        if options.expected_groups
        else None
    )
    return analyze(
        nodes,
        graph.ties_for(directed),
        directed=directed,
        weight=not options.unweighted and _has_weights(graph),
        group=group,
        fast=options.fast,
        seed=options.seed,
        expected_groups=expected,
    )


def _has_weights(graph: GraphFile) -> bool:
    """Weights count when any tie has one (missing weights then mean 1)."""
    return any(weight is not None for _, _, weight in graph.ties)


def _group_attribute(options: argparse.Namespace, nodes: list[dict[str, Any]]) -> str | None:
    """The --group attribute as the files spell it; an error when no node has it."""
    if not options.group:
        return None
    wanted = options.group.lower()
    for node in nodes:
        for name in node:
            if name != "id" and name.lower() == wanted:
                return name
    source = options.nodes or options.edges
    raise InputError(source, None, f"no node has a '{options.group}' attribute")


def merge_nodes(
    file_nodes: list[dict[str, Any]], csv_nodes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Nodes from the edge file, with the node CSV's attributes added (the CSV wins on conflicts)."""
    merged = {node["id"]: dict(node) for node in file_nodes}
    for node in csv_nodes:
        merged.setdefault(node["id"], {}).update(node)
    return list(merged.values())


def render(result: AnalysisResult, output_format: str, top: int = 25) -> str:
    if output_format == "json":
        return result.to_json(indent=2) + "\n"
    if output_format == "csv":
        return _csv(result)
    return _table(result, top)


def _csv(result: AnalysisResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if not result.nodes:
        writer.writerow(["id"])
        return buffer.getvalue()
    columns = [name for name in result.nodes[0] if name != "brokerage"]
    has_brokerage = "brokerage" in result.nodes[0]
    roles = [*ROLES, "total"]
    writer.writerow(columns + [f"brokerage_{role}" for role in roles if has_brokerage])
    for node in result.nodes:
        row = [_cell(node[name]) for name in columns]
        if has_brokerage:
            row += [_cell(node["brokerage"][role]) for role in roles]
        writer.writerow(row)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    return "" if value is None else value


def _table(result: AnalysisResult, top: int) -> str:
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=140, force_terminal=False, color_system=None)
    summary = Table(title="Network", show_header=False)
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    for name, value in result.to_dict()["network"].items():
        if isinstance(value, dict):
            value = ", ".join(f"{key} {_number(item)}" for key, item in value.items())
        elif isinstance(value, list):
            value = ", ".join(str(item) for item in value) or "none"
        summary.add_row(name.replace("_", " "), _number(value))
    console.print(summary)

    ranked = sorted(result.nodes, key=lambda node: -(node["betweenness"] or 0.0))
    shown = ranked if top <= 0 else ranked[:top]
    extra = ["group"] if result.nodes and "group" in result.nodes[0] else []
    nodes = Table(title=f"Stakeholders by betweenness ({len(shown)} of {len(ranked)})")
    nodes.add_column("stakeholder")
    for name in (*extra, *TABLE_COLUMNS):
        nodes.add_column(name.replace("_", " "), justify="left" if name == "group" else "right")
    for node in shown:
        nodes.add_row(
            str(node["label"]), *(_number(node[name]) for name in (*extra, *TABLE_COLUMNS))
        )
    console.print(nodes)
    _print_brokers(console, result)
    return buffer.getvalue()


def _print_brokers(console: Any, result: AnalysisResult) -> None:
    if result.brokers:
        console.print("Brokers:")
        for broker in result.brokers:
            console.print(f"  - {broker['sentence']}", markup=False, highlight=False)


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


if __name__ == "__main__":
    raise SystemExit(main())
