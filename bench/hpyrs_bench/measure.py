"""Runs the worker (natively or under callgrind) and turns its output into per-call figures.

Instructions: one callgrind process for all variants and patterns. Each loop is dumped twice
(N1 and N2 iterations); instructions per iteration are (Ir(N2) - Ir(N1)) / (N2 - N1), and
the figure reported for a pattern is that minus the same figure for its baseline loop.

Wall time: a native run; per pattern and variant the median over the repeats of the time per
iteration, minus the median of the baseline loop.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional

from patterns import PATTERNS, Pattern

# The key under which the bare loop's cost per iteration is reported.
LOOP = "(bare loop)"

WORKER = Path(__file__).resolve().parent / "worker.py"

__all__ = ["LOOP", "run_worker", "instructions", "wall_times", "wall_spread", "checks_disagreeing"]


def _environment() -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"  # the same dict layouts, hence the same counts, every run
    env.pop("HPY", None)  # modes are chosen per module by the worker, not globally
    env.pop("HPY_DEBUG", None)
    return env


def run_worker(manifest: Dict[str, Any], python: str, callgrind: Optional[Path] = None,
               workdir: Optional[Path] = None) -> Dict[str, Any]:
    """Runs worker.py on `manifest`; under callgrind when `callgrind` names a dump directory.

    Returns the worker's JSON; with callgrind, also "dumps": {label: Ir}.
    """
    workdir = Path(workdir or tempfile.mkdtemp(prefix="hpyrs-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    manifest = dict(manifest, out=str(workdir / "worker-result.json"))
    manifest_path = workdir / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=1))
    command = [python, str(WORKER), str(manifest_path)]
    if callgrind is not None:
        callgrind.mkdir(parents=True, exist_ok=True)
        for old in callgrind.glob("cg.out*"):
            old.unlink()
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no",
            f"--callgrind-out-file={callgrind / 'cg.out'}",
        ] + (["--trace-children=yes"] if _is_script(python) else []) + command
    result = subprocess.run(command, env=_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"the benchmark worker failed ({result.returncode}):\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}")
    output = json.loads(Path(manifest["out"]).read_text())
    if callgrind is not None:
        output["dumps"] = _read_dumps(callgrind)
    return output


def _is_script(python: str) -> bool:
    """True for an interpreter started by a shell script, like tools/python3.14 (which runs the
    unpacked tree's own loader): callgrind must then follow the `exec`s to reach Python. The
    scripts make no labelled dumps, so only Python's count."""
    with open(Path(python).resolve(), "rb") as f:
        return f.read(2) == b"#!"


_DESC = re.compile(r"^desc: Trigger: Client Request: (.*)$", re.M)
_TOTALS = re.compile(r"^(?:totals|summary): (\d+)", re.M)


def _read_dumps(directory: Path) -> Dict[str, int]:
    dumps: Dict[str, int] = {}
    for path in directory.glob("cg.out*"):
        text = path.read_text(errors="replace")
        label, total = _DESC.search(text), _TOTALS.search(text)
        if label and total:
            dumps[label.group(1).strip()] = int(total.group(1))
    return dumps


def _per_iteration(dumps: Dict[str, int], label: str, n1: int, n2: int) -> float:
    try:
        return (dumps[f"{label}|{n2}"] - dumps[f"{label}|{n1}"]) / (n2 - n1)
    except KeyError as missing:
        raise RuntimeError(f"callgrind dump {missing} is missing") from None


def _baseline_key(pattern: Pattern) -> str:
    return f"{pattern.baseline_setup}\n{pattern.baseline}"


def instructions(output: Dict[str, Any], manifest: Dict[str, Any]) -> Dict[str, Dict[str, float]]:
    """{pattern: {variant: net instructions per call}} from a callgrind run.

    The bare loop's own cost is under the key LOOP, variant "loop".
    """
    dumps, n1, n2 = output["dumps"], manifest["n1"], manifest["n2"]
    baseline = {key: _per_iteration(dumps, f"baseline|{index}", n1, n2)
                for key, index in output["baseline_labels"].items()}
    figures: Dict[str, Dict[str, float]] = {}
    for pattern in PATTERNS:
        if pattern.name not in manifest["patterns"]:
            continue
        figures[pattern.name] = {
            variant["key"]: _per_iteration(dumps, f"pattern|{pattern.name}|{variant['key']}", n1, n2)
            - baseline[_baseline_key(pattern)]
            for variant in manifest["variants"]
        }
    if "\npass" in baseline:
        figures[LOOP] = {"loop": baseline["\npass"]}
    return figures


def wall_times(output: Dict[str, Any]) -> Dict[str, Dict[str, float]]:
    """{pattern: {variant: net nanoseconds per call (median)}} from a native run."""
    baseline = {key: statistics.median(times) for key, times in output["baselines"].items()}
    figures: Dict[str, Dict[str, float]] = {}
    for pattern in PATTERNS:
        if pattern.name not in output["wall"]:
            continue
        figures[pattern.name] = {
            key: (statistics.median(times) - baseline[_baseline_key(pattern)]) * 1e9
            for key, times in output["wall"][pattern.name].items()
        }
    return figures


def checks_disagreeing(output: Dict[str, Any]) -> List[str]:
    """The patterns whose check expression gave different values in different variants."""
    problems = []
    for name, values in output["checks"].items():
        if len(set(values.values())) != 1:
            detail = "; ".join(f"{key}: {value}" for key, value in values.items())
            problems.append(f"{name}: {detail}")
    return problems


def wall_spread(output: Dict[str, Any]) -> Dict[str, Dict[str, float]]:
    """{pattern: {variant: interquartile range / median}} of the per-call times of a native run
    (gross, loop included): how stable the repeats were."""
    spread: Dict[str, Dict[str, float]] = {}
    for name, per_variant in output["wall"].items():
        spread[name] = {}
        for key, times in per_variant.items():
            if len(times) < 4:
                spread[name][key] = float("nan")
                continue
            q1, _, q3 = statistics.quantiles(times, n=4)
            spread[name][key] = (q3 - q1) / statistics.median(times)
    return spread
