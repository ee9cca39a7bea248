"""Ratios, targets, tables, JSON and the chart.

The targets (issue 4, ../shared/reference/anchors.md section 4), per call pattern:

    hpy-rs CPython ABI  <= 1.01 x C HPy CPython ABI
    hpy-rs universal    <= 1.01 x C HPy universal
    hpy-rs CPython ABI  <= 0.8 x PyO3 on calls, <= 0.5 x PyO3 on object allocation

Ratios are taken on net instructions per call (the bare loop subtracted), the strictest
reading: a binding's overhead is a larger share of a smaller number.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from patterns import PATTERNS
from variants import VARIANTS

__all__ = ["RATIOS", "ratios", "target_misses", "text_report", "markdown_report", "write_json",
           "draw_chart"]

# (name, numerator, denominator, target for calls, target for allocation); None: no target.
RATIOS: Tuple[Tuple[str, str, str, Optional[float], Optional[float]], ...] = (
    ("rs/C HPy (CPy ABI)", "rust-cpython", "chpy-cpython", 1.01, 1.01),
    ("rs/C HPy (universal)", "rust-universal", "chpy-universal", 1.01, 1.01),
    ("rs/C HPy (debug)", "rust-debug", "chpy-debug", None, None),
    ("rs/PyO3", "rust-cpython", "pyo3", 0.8, 0.5),
    ("rs/C API", "rust-cpython", "capi", None, None),
)

_GROUP = {p.name: p.group for p in PATTERNS}


def _ratio(figures: Dict[str, float], numerator: str, denominator: str) -> Optional[float]:
    if numerator not in figures or denominator not in figures or figures[denominator] <= 0:
        return None
    return figures[numerator] / figures[denominator]


def target_for(pattern: str, ratio_name: str) -> Optional[float]:
    for name, _, _, calls, allocation in RATIOS:
        if name == ratio_name:
            return allocation if _GROUP.get(pattern) == "alloc" else calls
    return None


def ratios(table: Dict[str, Dict[str, float]]) -> Dict[str, Dict[str, Optional[float]]]:
    """{pattern: {ratio name: value}} for every measured pattern."""
    return {
        pattern: {name: _ratio(figures, num, den) for name, num, den, _, _ in RATIOS}
        for pattern, figures in table.items()
        if pattern in _GROUP
    }


def target_misses(table: Dict[str, Dict[str, float]]) -> List[str]:
    """Every ratio above its target. A PyO3 target is also compared with what the same call
    costs in C: when even the plain C API (or C HPy) is above it, the miss is noted as below
    the floor of any binding that calls through the same CPython slot."""
    misses = []
    for pattern, values in ratios(table).items():
        for name, value in values.items():
            target = target_for(pattern, name)
            if target is None or value is None or value <= target:
                continue
            line = f"{pattern}: {name} = {value:.3f} > {target}"
            if name == "rs/PyO3":
                floors = {
                    label: _ratio(table[pattern], key, "pyo3")
                    for label, key in (("C API", "capi"), ("C HPy", "chpy-cpython"))
                }
                known = {label: f for label, f in floors.items() if f is not None}
                line += " (" + ", ".join(f"{label}/PyO3 = {f:.3f}" for label, f in known.items()) + ")"
                if known and min(known.values()) > target:
                    line += ": below what C itself costs"
            misses.append(line)
    return misses


def _format_ratio(pattern: str, name: str, value: Optional[float]) -> str:
    if value is None:
        return "-"
    target = target_for(pattern, name)
    mark = "" if target is None else (" ok" if value <= target else " MISS")
    return f"{value:.3f}{mark}"


def _rows(table: Dict[str, Dict[str, float]], unit: str) -> Tuple[List[str], List[List[str]]]:
    keys = [v.key for v in VARIANTS]
    header = ["pattern"] + [v.label for v in VARIANTS] + [r[0] for r in RATIOS]
    rows = []
    computed = ratios(table)
    for pattern, figures in table.items():
        if pattern not in _GROUP:
            continue
        cells = [pattern] + [f"{figures[k]:.1f}" if k in figures else "-" for k in keys]
        cells += [_format_ratio(pattern, name, computed[pattern][name]) for name, *_ in RATIOS]
        rows.append(cells)
    return header, rows


def _text_table(header: List[str], rows: List[List[str]]) -> str:
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in [header] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def text_report(results: Dict[str, Any]) -> str:
    parts = []
    for key, title in (("instructions", "Instructions per call (callgrind, net of the loop)"),
                       ("wall_ns", "Wall time per call, ns (median, net of the loop)")):
        table = results.get(key)
        if table:
            parts.append(f"== {title}\n" + _text_table(*_rows(table, key)))
    cost = results.get("build_cost")
    if cost:
        parts.append("== Build cost of examples/quickstart\n" + _text_table(*_build_rows(cost)))
    misses = results.get("target_misses")
    if misses is not None:
        parts.append("== Targets missed (instructions)\n" + ("\n".join(misses) or "none"))
    return "\n\n".join(parts)


def _build_rows(cost: Dict[str, Dict[str, Any]]) -> Tuple[List[str], List[List[str]]]:
    header = ["build", "build time (s)", "stripped .so (bytes)", "kind"]
    rows = [[name, f"{c['seconds']:.1f}", str(c["stripped_bytes"]), c["kind"]] for name, c in cost.items()]
    return header, rows


def _markdown_table(header: List[str], rows: List[List[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(lines)


def markdown_report(results: Dict[str, Any]) -> str:
    parts = [f"<!-- written by bench/bench.py; {results['meta']['summary']} -->"]
    for key, title in (("instructions", "Instructions per call (callgrind, net of the loop)"),
                       ("wall_ns", "Wall time per call in ns (median, net of the loop)")):
        if results.get(key):
            parts.append(f"### {title}\n\n" + _markdown_table(*_rows(results[key], key)))
    if results.get("build_cost"):
        parts.append("### Build cost of examples/quickstart\n\n" + _markdown_table(*_build_rows(results["build_cost"])))
    return "\n\n".join(parts) + "\n"


def write_json(results: Dict[str, Any], path: Path) -> None:
    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    path.write_text(json.dumps(clean(results), indent=1) + "\n")


def draw_chart(results: Dict[str, Any], path: Path) -> None:
    """Two panels: instructions per call of every variant but the debug ones, and the ratios."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = results.get("instructions") or results["wall_ns"]
    unit = "instructions per call" if results.get("instructions") else "ns per call (wall)"
    patterns = [p for p in table if p in _GROUP]
    shown = [v for v in VARIANTS if v.mode != "debug"]
    colours = {"capi": "#9e9e9e", "chpy-cpython": "#1f77b4", "rust-cpython": "#d62728",
               "chpy-universal": "#aec7e8", "rust-universal": "#ff9896", "pyo3": "#2ca02c"}
    figure, (left, right) = plt.subplots(1, 2, figsize=(15, 0.42 * len(patterns) + 2.2),
                                         gridspec_kw={"width_ratios": [3, 2]})
    height = 0.8 / len(shown)
    for index, variant in enumerate(shown):
        ys = [row + (index - (len(shown) - 1) / 2) * height for row in range(len(patterns))]
        left.barh(ys, [max(table[p].get(variant.key, 0.0), 0.0) for p in patterns], height,
                  label=variant.label, color=colours[variant.key])
    left.set_yticks(range(len(patterns)), patterns, fontsize=8)
    left.invert_yaxis()
    left.set_xlabel(unit)
    left.legend(fontsize=8, loc="lower right")
    left.grid(axis="x", alpha=0.3)

    computed = ratios(table)
    ratio_names = [name for name, _, _, calls, _ in RATIOS if calls is not None]
    ratio_colours = ["#d62728", "#ff9896", "#2ca02c"]
    rheight = 0.8 / len(ratio_names)
    for index, name in enumerate(ratio_names):
        ys = [row + (index - (len(ratio_names) - 1) / 2) * rheight for row in range(len(patterns))]
        right.barh(ys, [computed[p][name] or 0.0 for p in patterns], rheight, label=name,
                   color=ratio_colours[index])
    right.axvline(1.0, color="black", linewidth=0.8)
    right.axvline(1.01, color="black", linewidth=0.8, linestyle=":")
    right.set_yticks(range(len(patterns)), [""] * len(patterns))
    right.invert_yaxis()
    right.set_xlabel("ratio (lower is better; dotted: 1.01)")
    right.legend(fontsize=8, loc="lower right")
    right.grid(axis="x", alpha=0.3)
    figure.suptitle(f"hpy-rs vs C HPy, C API and PyO3 — {results['meta']['summary']}", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
