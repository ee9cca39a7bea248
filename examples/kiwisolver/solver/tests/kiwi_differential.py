#!/usr/bin/env python3
"""Differential test of the kiwi-solver crate against the real kiwisolver 1.5.1.

Generates seeded random constraint systems (small ones and larger layout-like ones; soft and required constraints of every strength,
underdetermined systems, removals, duplicate/unknown constraints, edit variables with
suggestions, bad strengths, `constraint | strength`, resets, dumps()), solves each one with kiwisolver 1.5.1 from PyPI and with
the crate's `replay` example, and asserts that every operation gives the same outcome (same
error kind, same booleans) and every `updateVariables` the same values (within 1e-9 relative).

Usage: python3 tests/kiwi_differential.py [--systems N] [--seed S]
kiwisolver is installed with pip into <workspace>/target/kiwi-ref (created on first run).
"""

import argparse
import ctypes
import json
import os
import random
import subprocess
import sys
import venv
from pathlib import Path

CRATE = Path(__file__).resolve().parents[1]
WORKSPACE = CRATE.parents[2]
REF_VENV = WORKSPACE / "target" / "kiwi-ref"
REF_PYTHON = REF_VENV / "bin" / "python"
STRENGTHS = {"weak": 1.0, "medium": 1e3, "strong": 1e6, "required": 1001001000.0}


def ensure_reference():
    """Re-run this script under a private venv holding kiwisolver 1.5.1."""
    if Path(sys.prefix).resolve() == REF_VENV.resolve():
        return
    if not REF_PYTHON.exists():
        venv.create(REF_VENV, with_pip=True)
    probe = subprocess.run(
        [str(REF_PYTHON), "-c", "import kiwisolver; print(kiwisolver.__version__)"],
        capture_output=True,
        text=True,
    )
    if probe.stdout.strip() != "1.5.1":
        subprocess.run(
            [str(REF_PYTHON), "-m", "pip", "install", "-q", "kiwisolver==1.5.1"], check=True
        )
    os.execv(str(REF_PYTHON), [str(REF_PYTHON), __file__, *sys.argv[1:]])


def random_strength(rng, allow_required=True):
    r = rng.random()
    if r < 0.55:
        names = ["weak", "medium", "strong"] + (["required"] if allow_required else [])
        return STRENGTHS[rng.choice(names)]
    if r < 0.85:
        # What strength.create(a, b, c, w) gives, as plain numbers (with clipping at work).
        a, b, c = (rng.choice([0, 0, 1, 2, 5, 999, 1500]) for _ in range(3))
        w = rng.choice([1.0, 0.5, 2.0, 3.0])
        return a * 1e6 + b * 1e3 + c if w == 1.0 else strength_create(a, b, c, w)
    return rng.choice([0.0, -1.0, 2.5, 2e9, STRENGTHS["required"] - 1.0])


def strength_create(a, b, c, w):
    clip = lambda x: max(0.0, min(1000.0, x * w))  # noqa: E731
    return clip(a) * 1e6 + clip(b) * 1e3 + clip(c)


def random_terms(rng, nvars, max_terms):
    coefs = [-3, -2, -1, -0.5, 0.5, 1, 1, 1, 2, 3, 0.25, 0]
    if rng.random() < 0.1:
        # Around kiwi's 1e-8 "near zero" threshold, and far from 1.
        coefs += [1e-9, -5e-9, 2e-8, 1e-7, 1e8, -3.3e5, 1 / 3]
    return [[rng.randrange(nvars), rng.choice(coefs)] for _ in range(rng.randint(1, max_terms))]


def random_system(rng):
    """A small random system (1-7 variables) or a larger layout-like one (10-40 variables:
    chains of `x[i+1] >= x[i] + gap`, widths, soft preferred sizes, a few random constraints)."""
    layout = rng.random() < 0.3
    nvars = rng.randint(10, 40) if layout else rng.randint(1, 7)
    constraints = []

    def add(terms, constant, op, strength):
        constraints.append({"terms": terms, "constant": constant, "op": op, "strength": strength})

    if layout:
        for i in range(nvars - 1):
            r = rng.random()
            if r < 0.5:
                add([[i + 1, 1], [i, -1]], -rng.randint(0, 20), ">=", STRENGTHS["required"])
            elif r < 0.8:
                add([[i + 1, 1], [i, -1]], -rng.randint(5, 60), "==", random_strength(rng))
            else:
                add([[i, 1]], -rng.randint(0, 300), rng.choice(["<=", ">="]), random_strength(rng))
        for _ in range(rng.randint(0, 6)):
            add(random_terms(rng, nvars, 4), rng.randint(-200, 200), rng.choice(["<=", ">=", "=="]),
                random_strength(rng))
    else:
        for _ in range(rng.randint(1, 14)):
            constant = rng.choice([0, rng.randint(-60, 60), round(rng.uniform(-100, 100), 3)])
            add(random_terms(rng, nvars, 3), constant, rng.choice(["<=", ">=", "=="]),
                random_strength(rng))
    ncons = len(constraints)

    ops = []
    if layout:
        # Most constraints first, in a random order.
        order = list(range(ncons))
        rng.shuffle(order)
        ops.extend({"op": "add", "cn": i} for i in order[: int(ncons * rng.uniform(0.6, 1.0))])
    edits = []
    for _ in range(rng.randint(3, 60 if layout else 45)):
        r = rng.random()
        if r < 0.27:
            ops.append({"op": "add", "cn": rng.randrange(ncons)})
        elif r < 0.30:
            ops.append(
                {"op": "add_with_strength", "cn": rng.randrange(ncons),
                 "strength": random_strength(rng)}
            )
        elif r < 0.40:
            ops.append({"op": "remove", "cn": rng.randrange(ncons)})
        elif r < 0.42:
            ops.append({"op": "has", "cn": rng.randrange(ncons)})
        elif r < 0.50:
            strength = random_strength(rng) if rng.random() < 0.9 else STRENGTHS["required"]
            var = rng.randrange(nvars)
            edits.append(var)
            ops.append({"op": "add_edit", "var": var, "strength": strength})
        elif r < 0.53:
            ops.append({"op": "remove_edit", "var": rng.randrange(nvars)})
        elif r < 0.55:
            ops.append({"op": "has_edit", "var": rng.randrange(nvars)})
        elif r < 0.75:
            var = rng.choice(edits) if edits and rng.random() < 0.85 else rng.randrange(nvars)
            value = rng.choice([rng.randint(-50, 50), round(rng.uniform(-500, 500), 4)])
            ops.append({"op": "suggest", "var": var, "value": value})
        elif r < 0.96:
            ops.append({"op": "update"})
        elif r < 0.985:
            ops.append({"op": "dumps"})
        else:
            ops.append({"op": "reset"})
    ops.append({"op": "update"})
    return {"vars": [f"v{i}" for i in range(nvars)], "constraints": constraints, "ops": ops}


def run_reference(system):
    """Runs the system with kiwisolver in a forked child (kiwi aborts the process on an
    InternalSolverError). Returns the outcomes (ending with "InternalSolverError" if the child
    died of one) and the order of the variables by address."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        # kiwi prints "terminate called ..." when it aborts: expected, keep it quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        try:
            run_reference_child(system, write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        lines = pipe.read().splitlines()
    _, status = os.waitpid(pid, 0)
    records = [json.loads(line) for line in lines]
    order = records[0]
    out = records[1:]
    crashed = not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0)
    if crashed:
        out.append("InternalSolverError")
    return out, order, crashed


def variable_data_address(variable):
    """The address of the C++ VariableData behind a kiwisolver Variable (the Python object is
    PyObject_HEAD, PyObject* context, then kiwi::Variable, which is one VariableData pointer)."""
    head = ctypes.sizeof(ctypes.c_ssize_t) + ctypes.sizeof(ctypes.c_void_p)
    offset = head + ctypes.sizeof(ctypes.c_void_p)
    return ctypes.c_void_p.from_address(id(variable) + offset).value


def check_address_probe():
    """Checks that variable_data_address reads what kiwi sorts by: in `a + b == 10` alone, kiwi
    makes the variable with the lower VariableData address basic (value 10)."""
    import kiwisolver as kiwi

    for _ in range(20):
        a, b = kiwi.Variable("a"), kiwi.Variable("b")
        solver = kiwi.Solver()
        solver.addConstraint(a + b == 10)
        solver.updateVariables()
        first = a if variable_data_address(a) < variable_data_address(b) else b
        assert first.value() == 10, "cannot read kiwi's variable order"


def run_reference_child(system, fd):
    import kiwisolver as kiwi

    def emit(record):
        os.write(fd, (json.dumps(record) + "\n").encode())

    variables = [kiwi.Variable(name) for name in system["vars"]]
    # kiwi orders a constraint's terms by the address of the C++ VariableData of each variable
    # (std::map<kiwi::Variable, double> in kiwi::Constraint), which decides the symbol ids of
    # variables first seen together, and so the values of underdetermined systems. malloc does
    # not hand out increasing addresses: tell the Rust side to create its variables in address
    # order.
    address = [variable_data_address(v) for v in variables]
    emit(sorted(range(len(variables)), key=lambda i: address[i]))
    constraints = []
    for c in system["constraints"]:
        terms = tuple(kiwi.Term(variables[i], coef) for i, coef in c["terms"])
        expr = kiwi.Expression(terms, c["constant"])
        constraints.append(kiwi.Constraint(expr, c["op"], c["strength"]))
    solver = kiwi.Solver()
    for op in system["ops"]:
        kind = op["op"]
        try:
            if kind == "add":
                solver.addConstraint(constraints[op["cn"]])
            elif kind == "add_with_strength":
                solver.addConstraint(constraints[op["cn"]] | op["strength"])
            elif kind == "dumps":
                emit(solver.dumps())
                continue
            elif kind == "remove":
                solver.removeConstraint(constraints[op["cn"]])
            elif kind == "has":
                emit(solver.hasConstraint(constraints[op["cn"]]))
                continue
            elif kind == "add_edit":
                solver.addEditVariable(variables[op["var"]], op["strength"])
            elif kind == "remove_edit":
                solver.removeEditVariable(variables[op["var"]])
            elif kind == "has_edit":
                emit(solver.hasEditVariable(variables[op["var"]]))
                continue
            elif kind == "suggest":
                solver.suggestValue(variables[op["var"]], op["value"])
            elif kind == "update":
                solver.updateVariables()
                emit([v.value() for v in variables])
                continue
            elif kind == "reset":
                solver.reset()
            emit("ok")
        except Exception as exc:  # the kind is what is compared
            emit(type(exc).__name__)


def reorder(system, order):
    """The same system with variables created in `order` (indices remapped)."""
    if order == list(range(len(order))):
        return system
    new_index = {old: new for new, old in enumerate(order)}
    remapped = json.loads(json.dumps(system))
    remapped["vars"] = [system["vars"][old] for old in order]
    for c in remapped["constraints"]:
        c["terms"] = [[new_index[i], coef] for i, coef in c["terms"]]
    for op in remapped["ops"]:
        if "var" in op:
            op["var"] = new_index[op["var"]]
    return remapped


def same_dump(a, b):
    """kiwi lists constraints in address order: compare that section as a multiset of lines,
    the rest (variables and edit variables are in address order on both sides) exactly."""
    head_a, _, cns_a = a.partition("\nConstraints\n")
    head_b, _, cns_b = b.partition("\nConstraints\n")
    return head_a == head_b and sorted(cns_a.split("\n")) == sorted(cns_b.split("\n"))


def same_value(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def main():
    ensure_reference()
    check_address_probe()
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument(
        "--creation-order",
        action="store_true",
        help="create the Rust variables in creation order instead of kiwi's address order "
        "(shows how many systems depend on that order; mismatches expected)",
    )
    args = parser.parse_args()

    subprocess.run(
        ["cargo", "build", "-q", "-p", "kiwi-solver", "--example", "replay"],
        cwd=WORKSPACE,
        check=True,
    )
    replay = WORKSPACE / "target" / "debug" / "examples" / "replay"

    rng = random.Random(args.seed)
    systems, expected, orders, crashes = [], [], [], 0
    for _ in range(args.systems):
        system = random_system(rng)
        out, order, crashed = run_reference(system)
        if args.creation_order:
            order = list(range(len(order)))
        systems.append(reorder(system, order))
        expected.append(out)
        orders.append(order)
        crashes += crashed
    proc = subprocess.run(
        [str(replay)], input=json.dumps(systems), capture_output=True, text=True, check=True
    )
    actual = json.loads(proc.stdout)

    agreed, failures, reordered, nvalues, nexact, ndumps = 0, [], 0, 0, 0, 0
    outcome_counts = {}
    for n, (system, order, exp, act) in enumerate(zip(systems, orders, expected, actual)):
        if order != list(range(len(order))):
            reordered += 1
        # Rust values come in the (possibly reordered) creation order: back to the original.
        # After a reference crash (InternalSolverError), only the outcomes up to it count.
        act = act[: len(exp)]
        ok = len(exp) == len(act)
        for e, a in zip(exp, act):
            if isinstance(e, list):
                a = [a[order.index(i)] for i in range(len(order))]
                ok = ok and len(e) == len(a) and all(map(same_value, e, a))
                nvalues += len(e)
                nexact += sum(x == y for x, y in zip(e, a))
            elif isinstance(e, str) and e.startswith("Objective"):
                ok = ok and isinstance(a, str) and same_dump(e, a)
                ndumps += 1
            else:
                ok = ok and e == a
                outcome_counts[str(e)] = outcome_counts.get(str(e), 0) + 1
        if ok:
            agreed += 1
        else:
            failures.append(n)
    nops = sum(len(s["ops"]) for s in systems)
    nupdates = sum(1 for s in systems for op in s["ops"] if op["op"] == "update")
    print(f"seed {args.seed}: {agreed}/{len(systems)} systems agree ({nops} operations, "
          f"{nupdates} updateVariables compared; {reordered} systems with variables not in "
          "address order; "
          f"{crashes} systems where kiwisolver aborted on "
          "InternalSolverError, compared up to it)")
    print(f"values: {nvalues} compared, {nexact} bit-for-bit equal; {ndumps} dumps() compared")
    print("outcomes:", json.dumps(dict(sorted(outcome_counts.items()))))
    for n in failures[:5]:
        print(f"MISMATCH system {n}:", json.dumps(systems[n]))
        print("  kiwisolver:", json.dumps(expected[n]))
        print("  kiwi-solver:", json.dumps(actual[n]))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
