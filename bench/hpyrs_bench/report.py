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
    pypy = results.get("pypy")
    if pypy and pypy.get("wall_ns"):
        parts.append(f"== {_pypy_title(pypy)}\n" + _text_table(*pypy_rows(pypy)))
        parts.append("== PyPy targets missed\n" + ("\n".join(pypy_target_misses(pypy)) or "none"))
        if pypy.get("errors"):
            parts.append("== PyPy: loops a variant could not run\n" + "\n".join(
                f"{name} [{key}]: {message}" for name, keys in pypy["errors"].items() for key, message in keys.items()))
    elif pypy:
        parts.append(f"== PyPy: skipped ({pypy.get('skipped')})")
    return "\n\n".join(parts)


# PyPy targets: hpy-rs at most 1.05x C HPy on every pattern, and at least 2x faster than PyO3
# (through PyPy's C-API emulation) on every call pattern (the "module" and "type" groups).
PYPY_CHPY_TARGET = 1.05
PYPY_PYO3_SPEEDUP_TARGET = 2.0
_CALL_GROUPS = ("module", "type", "keywords")


def pypy_rows(pypy: Dict[str, Any]) -> Tuple[List[str], List[List[str]]]:
    """The PyPy table: net ns per call (median) per variant with its spread, hpy-rs / C HPy,
    and PyO3 / hpy-rs (how many times faster hpy-rs is)."""
    keys = list(pypy["variants"])
    header = ["pattern"] + [f"{pypy['variants'][k]} ns (±IQR)" for k in keys] + ["rs/C HPy", "PyO3/rs"]
    rows = []
    for pattern, figures in pypy["wall_ns"].items():
        spread = pypy["spread"].get(pattern, {})
        cells = [pattern] + [
            f"{figures[k]:.1f} (±{100 * spread.get(k, float('nan')):.0f}%)" if k in figures else "-" for k in keys
        ]
        rs, chpy, pyo3 = (figures.get(k) for k in ("rust-universal", "chpy-universal", "pyo3"))
        rs_over_chpy = rs / chpy if rs and chpy and chpy > 0 else None
        speedup = pyo3 / rs if rs and pyo3 and rs > 0 else None
        miss_c = rs_over_chpy is not None and rs_over_chpy > PYPY_CHPY_TARGET
        miss_p = (speedup is not None and speedup < PYPY_PYO3_SPEEDUP_TARGET
                  and _GROUP.get(pattern) in _CALL_GROUPS)
        cells.append("-" if rs_over_chpy is None else f"{rs_over_chpy:.2f}" + (" *" if miss_c else ""))
        cells.append("-" if speedup is None else f"{speedup:.1f}x" + (" *" if miss_p else ""))
        rows.append(cells)
    return header, rows


def pypy_target_misses(pypy: Dict[str, Any]) -> List[str]:
    """The PyPy patterns that miss a target, with their figures."""
    misses = []
    for pattern, figures in pypy.get("wall_ns", {}).items():
        rs, chpy, pyo3 = (figures.get(k) for k in ("rust-universal", "chpy-universal", "pyo3"))
        if rs and chpy and chpy > 0 and rs / chpy > PYPY_CHPY_TARGET:
            misses.append(f"{pattern}: hpy-rs {rs:.1f} ns is {rs / chpy:.2f}x C HPy ({chpy:.1f} ns)")
        if (_GROUP.get(pattern) in _CALL_GROUPS and rs and pyo3 and rs > 0
                and pyo3 / rs < PYPY_PYO3_SPEEDUP_TARGET):
            misses.append(f"{pattern}: hpy-rs {rs:.1f} ns is only {pyo3 / rs:.1f}x faster than PyO3 ({pyo3:.1f} ns)")
    return misses


def _pypy_title(pypy: Dict[str, Any]) -> str:
    return (f"PyPy {pypy['version']}: wall time per call in ns (median of {pypy['repeats']} interleaved "
            "repeats after a full warm-up run, net of the loop; ±: interquartile range / median)")


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
    pypy = results.get("pypy")
    if pypy and pypy.get("wall_ns"):
        misses = pypy_target_misses(pypy)
        parts.append(f"### {_pypy_title(pypy)}\n\n" + _markdown_table(*pypy_rows(pypy))
                     + "\n\nTargets missed (`*`): " + ("; ".join(misses) if misses else "none"))
        if pypy.get("errors"):
            parts.append("Loops a variant could not run on PyPy: " + "; ".join(
                f"{name} [{key}]: {message}" for name, keys in pypy["errors"].items() for key, message in keys.items()))
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
