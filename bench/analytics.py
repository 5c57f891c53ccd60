"""Benchmark of cityweave.analytics on reproducible stakeholder-like networks, against igraph and networkx.

Each network has sectors of very different sizes; inside a sector, stakeholders form a Holme–Kim
cluster (preferential attachment with triad formation: hubs and tight clusters); between sectors,
ties attach preferentially. About 10 ties per stakeholder, weights 1–5 (mostly weak ties).

For each size it times, each in a fresh process (so peak memory is that run's):
- `analyze` exact (sizes up to 20,000) and `analyze(fast=True)` (sizes from 2,000);
- the bare igraph calls behind the same measures (betweenness, closeness, eigenvector, PageRank,
  coreness, constraint, Leiden, transitivity);
- networkx computing the same measures, skipped with an extrapolated time where it would take
  over two minutes.

    python bench/analytics.py --sizes 200,2000

`--export 2000 /tmp/net` writes that network as CSV files, and `--networkx-files` computes the same
measures from them with networkx. `--processes 2000` does both and times the whole processes:
`cityweave analyze` against a networkx script, start-up and file reading included.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

SECTORS = {
    "business": 0.20,
    "nonprofit": 0.15,
    "community group": 0.12,
    "local government": 0.10,
    "faith-based": 0.08,
    "education": 0.08,
    "philanthropy": 0.06,
    "anchor institution": 0.05,
    "academia & think tank": 0.05,
    "state government": 0.05,
    "media": 0.04,
    "resident": 0.02,
}
WITHIN_TIES_PER_NODE = 4
TRIAD_PROBABILITY = 0.6
NETWORKX_BUDGET_SECONDS = 120.0
DEFAULT_SIZES = (200, 2_000, 20_000, 100_000)
EXACT_UP_TO = 20_000
FAST_FROM = 2_000


def holme_kim(members: list[int], per_node: int, rng: random.Random) -> list[tuple[int, int]]:
    """Holme–Kim growth over `members`: preferential attachment, then triads with some probability."""
    if len(members) < 2:
        return []
    seed_size = min(per_node + 1, len(members))
    edges = [(members[i], members[j]) for i in range(seed_size) for j in range(i + 1, seed_size)]
    neighbours: dict[int, list[int]] = {member: [] for member in members}
    pool: list[int] = []
    for u, v in edges:
        neighbours[u].append(v)
        neighbours[v].append(u)
        pool += (u, v)
    for new in members[seed_size:]:
        chosen: set[int] = set()
        last = rng.choice(pool)
        chosen.add(last)
        while len(chosen) < per_node:
            friends = [w for w in neighbours[last] if w not in chosen]
            if friends and rng.random() < TRIAD_PROBABILITY:
                candidate = rng.choice(friends)
            else:
                candidate = rng.choice(pool)
                last = candidate
            chosen.add(candidate)
        for target in chosen:
            edges.append((new, target))
            neighbours[new].append(target)
            neighbours[target].append(new)
            pool += (new, target)
    return edges


def stakeholder_network(
    size: int, seed: int = 7
) -> tuple[list[dict[str, Any]], list[tuple[str, str, int]]]:
    """Nodes (id, label, sector) and weighted ties of a reproducible stakeholder-like network."""
    rng = random.Random(seed)
    names = list(SECTORS)
    sector_of = rng.choices(names, weights=list(SECTORS.values()), k=size)
    members: dict[str, list[int]] = {name: [] for name in names}
    for node, sector in enumerate(sector_of):
        members[sector].append(node)
    pairs: set[tuple[int, int]] = set()
    for sector_members in members.values():
        for u, v in holme_kim(sector_members, WITHIN_TIES_PER_NODE, rng):
            pairs.add((min(u, v), max(u, v)))
    # Ties across sectors attach preferentially too: endpoints drawn from the ends of existing ties.
    ends = [node for pair in sorted(pairs) for node in pair] or list(range(size))
    target_count = len(pairs) + size
    while len(pairs) < target_count and size > 1:
        u, v = rng.choice(ends), rng.choice(ends)
        if u != v and sector_of[u] != sector_of[v]:
            pairs.add((min(u, v), max(u, v)))
    nodes = [
        {"id": f"s{node}", "label": f"Stakeholder {node}", "sector": sector_of[node]}
        for node in range(size)
    ]
    ties = [
        (f"s{u}", f"s{v}", rng.choices((1, 2, 3, 4, 5), weights=(35, 25, 20, 12, 8))[0])
        for u, v in sorted(pairs)
    ]
    return nodes, ties


class Clock:
    """Wall-clock and CPU seconds since it was made (CPU time is what a busy machine can't inflate)."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def read(self) -> dict[str, float]:
        return {"seconds": time.perf_counter() - self.wall, "cpu": time.process_time() - self.cpu}


def run_analyze(size: int, fast: bool) -> dict[str, Any]:
    from cityweave.analytics import analysis

    # CPU time inside betweenness and closeness, so the engine's own overhead can be read off
    # within one process (timings of the same call vary by about 10% on a shared machine).
    path_cpu = 0.0
    for name in ("exact_path_measures", "sampled_path_measures"):
        compute = getattr(analysis, name)

        def timed(*args: Any, compute: Any = compute, **kwargs: Any) -> Any:
            nonlocal path_cpu
            started = time.process_time()
            try:
                return compute(*args, **kwargs)
            finally:
                path_cpu += time.process_time() - started

        setattr(analysis, name, timed)

    nodes, ties = stakeholder_network(size)
    clock = Clock()
    result = analysis.analyze(nodes, ties, group="sector", fast=fast)
    return {
        **clock.read(),
        "ties": result.network["ties"],
        "sampling": result.network["sampling"],
        "path_cpu": path_cpu,
    }


def run_igraph(size: int) -> dict[str, Any]:
    import igraph as ig
    import numpy as np

    from cityweave.analytics.paths import path_lengths

    nodes, ties = stakeholder_network(size)
    index = {node["id"]: position for position, node in enumerate(nodes)}
    graph = ig.Graph(n=len(nodes), edges=[(index[s], index[t]) for s, t, _ in ties])
    weights = [float(w) for _, _, w in ties]
    lengths = path_lengths(np.array(weights)).lengths
    clock = Clock()
    graph.betweenness(weights=lengths)
    graph.closeness(weights=lengths)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        graph.eigenvector_centrality(weights=weights)
    # ARPACK, as analyze uses: igraph's default PRPACK is 50x slower on these clustered networks.
    graph.pagerank(weights=weights, implementation="arpack")
    graph.coreness()
    graph.constraint(weights=weights)
    graph.community_leiden(objective_function="modularity", weights=weights, n_iterations=-1)
    graph.transitivity_undirected()
    return {**clock.read(), "ties": graph.ecount()}


def networkx_graph(nodes: list[dict[str, Any]], ties: list[tuple[str, str, Any]]) -> Any:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from((node["id"], node) for node in nodes)
    for source, target, weight in ties:
        # 60 / weight is the same exact integer length analyze uses for weights 1 to 5.
        graph.add_edge(source, target, weight=weight, distance=60 // weight)
    return graph


def networkx_parts(graph: Any) -> dict[str, Any]:
    """The measures analyze reports, computed by networkx, in three parts timed apart."""
    import networkx as nx

    everyone = list(graph)
    return {
        "shortest paths": lambda: (
            nx.betweenness_centrality(graph, weight="distance", normalized=False),
            nx.closeness_centrality(graph, distance="distance"),
        ),
        "structural holes": lambda: (
            nx.constraint(graph, nodes=everyone, weight="weight"),
            nx.effective_size(graph, nodes=everyone, weight="weight"),
        ),
        "other": lambda: (
            nx.eigenvector_centrality_numpy(graph, weight="weight"),
            nx.pagerank(graph, weight="weight"),
            nx.core_number(graph),
            nx.community.louvain_communities(graph, weight="weight", seed=42),
            nx.transitivity(graph),
        ),
    }


def run_networkx(size: int) -> dict[str, Any]:
    nodes, ties = stakeholder_network(size)
    graph = networkx_graph(nodes, ties)
    clock = Clock()
    timings = {}
    for name, compute in networkx_parts(graph).items():
        part = Clock()
        compute()
        timings[name] = part.read()["cpu"]
    return {**clock.read(), "ties": graph.number_of_edges(), "parts": timings}


def export(size: int, folder: str) -> None:
    """Write the network of `size` as stakeholders.csv and ties.csv, for `cityweave analyze`."""
    nodes, ties = stakeholder_network(size)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "stakeholders.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("id", "label", "sector"))
        writer.writerows((node["id"], node["label"], node["sector"]) for node in nodes)
    with open(target / "ties.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("source", "target", "weight"))
        writer.writerows(ties)


def networkx_report(ties_path: str, nodes_path: str) -> None:
    """networkx's counterpart of `cityweave analyze TIES --nodes NODES --format json`."""
    with open(nodes_path, newline="", encoding="utf-8") as handle:
        nodes = list(csv.DictReader(handle))
    with open(ties_path, newline="", encoding="utf-8") as handle:
        ties = [
            (row["source"], row["target"], int(row["weight"])) for row in csv.DictReader(handle)
        ]
    graph = networkx_graph(nodes, ties)
    results = {name: compute() for name, compute in networkx_parts(graph).items()}
    betweenness, closeness = results["shortest paths"]
    constraint, effective_size = results["structural holes"]
    eigenvector, pagerank, core, communities, transitivity = results["other"]
    community_of = {node: number for number, part in enumerate(communities, 1) for node in part}
    records = [
        {
            "id": node,
            "betweenness": betweenness[node],
            "closeness": closeness[node],
            "constraint": constraint[node],
            "effective_size": effective_size[node],
            "eigenvector": eigenvector[node],
            "pagerank": pagerank[node],
            "coreness": core[node],
            "community": community_of[node],
        }
        for node in graph
    ]
    json.dump({"transitivity": transitivity, "nodes": records}, sys.stdout)


def compare_processes(size: int) -> None:
    """Wall seconds of `cityweave analyze` and of the networkx script, each a whole process."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        export(size, folder)
        ties, nodes = str(Path(folder) / "ties.csv"), str(Path(folder) / "stakeholders.csv")
        cityweave = str(Path(sys.executable).parent / "cityweave")
        commands = {
            "cityweave analyze": [cityweave, "analyze", ties, "--nodes", nodes, "--weight",
                                  "weight", "--group", "sector", "--format", "json", "-o",
                                  str(Path(folder) / "out.json")],
            "networkx script": [sys.executable, __file__, "--networkx-files", ties, nodes],
        }  # fmt: skip
        seconds = {}
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            seconds[name] = time.perf_counter() - start
            print(f"{name}: {seconds[name]:.2f} s")
    ratio = seconds["networkx script"] / seconds["cityweave analyze"]
    print(f"{size:,} nodes: cityweave analyze is {ratio:.0f}x faster (target: at least 30x)")


def network_features(size: int) -> dict[str, float]:
    """What networkx's running time grows with: n x m for shortest paths, sum of degree^3 for
    its per-node structural holes (three nested loops over contacts), m for the rest."""
    nodes, ties = stakeholder_network(size)
    degree: dict[str, int] = {}
    for source, target, _ in ties:
        degree[source] = degree.get(source, 0) + 1
        degree[target] = degree.get(target, 0) + 1
    return {
        "shortest paths": float(len(nodes) * len(ties)),
        "structural holes": float(sum(d**3 for d in degree.values())),
        "other": float(len(ties)),
    }


WORKERS = {
    "analyze": lambda size: run_analyze(size, fast=False),
    "analyze --fast": lambda size: run_analyze(size, fast=True),
    "igraph calls": run_igraph,
    "networkx": run_networkx,
}
COLUMNS = ("analyze", "analyze --fast", "igraph calls", "networkx")


def worker(task: str, size: int) -> None:
    outcome = WORKERS[task](size)
    outcome["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(outcome))


def measure(task: str, size: int) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, "--worker", task, str(size)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        lines = completed.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else "failed"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark cityweave.analytics.")
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in DEFAULT_SIZES),
        help="comma-separated node counts (default 200,2000,20000,100000)",
    )
    parser.add_argument("--no-networkx", action="store_true", help="skip the networkx timings")
    parser.add_argument(
        "--export",
        nargs=2,
        metavar=("SIZE", "FOLDER"),
        help="write the network of SIZE nodes as FOLDER/stakeholders.csv and FOLDER/ties.csv",
    )
    parser.add_argument(
        "--networkx-files",
        nargs=2,
        metavar=("TIES", "NODES"),
        help="compute the same measures with networkx from exported files; print JSON",
    )
    parser.add_argument(
        "--processes",
        type=int,
        metavar="SIZE",
        help="time `cityweave analyze` and a networkx script as whole processes on SIZE nodes",
    )
    parser.add_argument("--worker", nargs=2, metavar=("TASK", "SIZE"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        worker(options.worker[0], int(options.worker[1]))
        return 0
    if options.export:
        export(int(options.export[0]), options.export[1])
        return 0
    if options.networkx_files:
        networkx_report(*options.networkx_files)
        return 0
    if options.processes:
        compare_processes(options.processes)
        return 0

    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    table = Table(title="cityweave.analytics benchmark: wall seconds (CPU seconds), peak memory")
    for heading in ("nodes", "ties", *COLUMNS):
        table.add_column(heading, justify="right")
    networkx_rates: dict[str, float] | None = None
    for size in sorted(int(size) for size in options.sizes.split(",")):
        cells: dict[str, str] = {}
        ties = 0
        tasks = []
        if size <= EXACT_UP_TO:
            tasks += ["analyze", "igraph calls"]
        if size >= FAST_FROM:
            tasks.append("analyze --fast")
        for task in tasks:
            outcome = measure(task, size)
            cells[task] = _describe(outcome)
            ties = outcome.get("ties", ties)
        if options.no_networkx:
            cells["networkx"] = "skipped"
        else:
            features = network_features(size)
            predicted = (
                sum(networkx_rates[part] * features[part] for part in features)
                if networkx_rates
                else 0.0
            )
            if predicted > NETWORKX_BUDGET_SECONDS:
                cells["networkx"] = f"skipped: ~{predicted:,.0f} s CPU extrapolated"
            else:
                outcome = measure("networkx", size)
                cells["networkx"] = _describe(outcome)
                if "parts" in outcome:
                    networkx_rates = {
                        part: seconds / features[part] for part, seconds in outcome["parts"].items()
                    }
        table.add_row(f"{size:,}", f"{ties:,}", *(cells.get(task, "-") for task in COLUMNS))
        console.print(f"done: {size:,} nodes", style="dim")
    console.print(table)
    console.print(
        "'paths' is the CPU time analyze spent computing betweenness and closeness.\n"
        "networkx CPU time is extrapolated from the largest size it ran, part by part: shortest "
        "paths in proportion to nodes x ties, its structural holes to the sum of degree cubed, the "
        "rest to ties.\nTargets: 200 nodes <= 0.05 s; 2,000 exact <= 1.5 s; 20,000 exact <= 1.2x "
        "the igraph calls and --fast <= 10 s; 100,000 --fast <= 60 s and < 2 GB."
    )
    return 0


def _describe(outcome: dict[str, Any]) -> str:
    if "error" in outcome:
        return f"error: {outcome['error']}"
    text = f"{outcome['seconds']:.3f} s ({outcome['cpu']:.3f}), {outcome['peak_mb']:,.0f} MB"
    if "path_cpu" in outcome:
        text += f", paths {outcome['path_cpu']:.3f}"
    sampling = outcome.get("sampling")
    if sampling and not sampling.get("exact"):
        error = sampling.get("betweenness_top10_relative_error")
        if error is not None:
            text += f" (±{100 * error:.1f}% top betweenness)"
    return text


if __name__ == "__main__":
    raise SystemExit(main())
