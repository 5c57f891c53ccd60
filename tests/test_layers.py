"""The domain's layers (pyproject.toml, [tool.importlinter]) hold: no module imports one above it.

workspaces → stakeholders → engagement → goals → network → reminders, each app's services above
its models; pages (views, API routes, forms) sit above them all. The stakeholders ↔ engagement
cycle stays broken: trashing a stakeholder (which trashes commitments), a tie's interactions and
the health filter live in engagement.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def test_the_layers_contract_is_kept() -> None:
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "importlinter.cli"]
    result = subprocess.run(
        [*command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_stakeholders_and_workspaces_reach_nothing_above_them() -> None:
    graph = grimp.build_graph("cityweave", exclude_type_checking_imports=True)
    for low, high in (
        ("cityweave.stakeholders.services", "cityweave.engagement.services"),
        ("cityweave.stakeholders.services", "cityweave.engagement.models"),
        ("cityweave.engagement.services", "cityweave.goals.models"),
        ("cityweave.workspaces.derived", "cityweave.goals.models"),
    ):
        chain = graph.find_shortest_chain(importer=low, imported=high)
        assert chain is None, f"{low} reaches {high}: {' -> '.join(chain or ())}"
