"""matplotlib's constrained layout, which solves its constraints with kiwisolver: prints (one JSON
line) which kiwisolver ran and the position of every axes of two figures drawn with the Agg
backend: "grid", six subplots with two colorbars, titles, labels, a legend and a suptitle;
"nested 0".."nested 2", two subfigures (a subplot mosaic, a column of subplots) with four
colorbars and titles of random lengths and sizes.

Run by tests/python/test_kiwisolver_wheel.py once with the port and once with the real
kiwisolver 1.5.1, in the same venv (same matplotlib, numpy, fonts); the positions must agree.
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")

import kiwisolver  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def grid():
    fig, axs = plt.subplots(2, 3, layout="constrained", figsize=(9, 6), dpi=100)
    x = np.linspace(0.0, 10.0, 200)
    for i, ax in enumerate(axs.flat):
        ax.plot(x, np.sin(x * (i + 1) / 3.0), label=f"sin {i + 1}")
        ax.set_title(f"Panel {i + 1}" + (" with a longer title" if i % 2 else ""))
        ax.set_xlabel("time [s]")
        if i % 3 == 0:
            ax.set_ylabel("amplitude\n(arbitrary units)")
    image = axs[0, 2].imshow(np.outer(np.arange(20), np.arange(30)), aspect="auto")
    fig.colorbar(image, ax=axs[0, 2], label="value")
    mesh = axs[1, 0].pcolormesh(np.arange(12).reshape(3, 4))
    fig.colorbar(mesh, ax=axs[1, :], location="bottom", shrink=0.6, label="a colorbar below two rows")
    axs[1, 1].legend(loc="upper right")
    fig.suptitle("Constrained layout solved by kiwisolver", fontsize=16)
    fig.supxlabel("a figure-wide x label")
    fig.canvas.draw()
    return fig


def nested(seed):
    rng = np.random.default_rng(seed)
    fig = plt.figure(layout="constrained", figsize=(10, 8), dpi=100)
    left, right = fig.subfigures(1, 2, width_ratios=[2, 1])
    axd = left.subplot_mosaic("AAB;CDB;EEF")
    for key in sorted(axd):
        ax = axd[key]
        ax.plot(rng.normal(size=20) * 10.0 ** int(rng.integers(0, 6)))
        ax.set_title("t" * int(rng.integers(1, 30)), fontsize=int(rng.integers(6, 20)))
        ax.set_ylabel("y" * int(rng.integers(1, 15)))
    image = axd["B"].imshow(rng.random((5, 5)))
    left.colorbar(image, ax=[axd["B"], axd["F"]])
    for ax in right.subplots(3, 1, sharex=True):
        fig.colorbar(ax.pcolormesh(rng.random((4, 4))), ax=ax, location="left")
    right.suptitle("a column")
    fig.suptitle("Subfigures")
    fig.canvas.draw()
    return fig


def main():
    figures = {"grid": grid(), **{f"nested {seed}": nested(seed) for seed in range(3)}}
    out = {
        "kiwisolver": kiwisolver.__file__,
        "cext": getattr(kiwisolver._cext, "__file__", None),
        "kiwisolver_version": kiwisolver.__version__,
        "matplotlib": matplotlib.__version__,
        "figures": {name: [[ax.get_label(), list(ax.get_position().bounds)] for ax in fig.axes]
                    for name, fig in figures.items()},
    }
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
