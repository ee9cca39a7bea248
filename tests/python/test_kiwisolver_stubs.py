"""examples/kiwisolver against kiwisolver 1.5.1's own stub, `py/kiwisolver/_cext.pyi` of its sdist.

`mypy.stubtest kiwisolver._cext` (which imports the module and compares every name, signature,
default and class attribute with the stub) reports no error against the port, in both ABIs, with
the committed allow-list examples/kiwisolver/stubtest-allowlist.txt, whose every entry gives its
reason; stubtest also fails on an entry that no error needs, so the list cannot rot. The same
list makes stubtest pass against the real kiwisolver 1.5.1, every entry used there too: the port
has no finding on an object where the real one has none. The allowed constructors are still
checked here: their parameter names and defaults are the stub's, and they take arguments by
keyword, as the real kiwisolver does.

Host-only (conftest.py): it needs mypy (pinned in tools/setup_env.sh), which the venv has.
"""

import ast
import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hpyrs_testing as t
from test_kiwisolver import SOURCES, _real_kiwisolver_python, kiwi_sdist_dir
from test_stubs import _run

pytest.importorskip("mypy", reason="mypy is pinned in tools/setup_env.sh for the host venv")

ALLOWLIST = t.EXAMPLES_DIR / "kiwisolver" / "stubtest-allowlist.txt"
CLASSES = ("Variable", "Term", "Expression", "Constraint")


def _stub() -> Path:
    return kiwi_sdist_dir() / "kiwisolver" / "_cext.pyi"


def _port_with_stub(abi: str, tmp_path: Path) -> Path:
    """A copy of the port's package for `abi` with kiwisolver's own `_cext.pyi` next to the
    binary, where mypy finds it (the directory is both PYTHONPATH and MYPYPATH)."""
    pkg_dir, _ = t.example_package("kiwisolver", abi, "kiwisolver", SOURCES)
    where = tmp_path / "port"
    shutil.copytree(pkg_dir, where)
    shutil.copyfile(_stub(), where / "kiwisolver" / "_cext.pyi")
    return where


@pytest.mark.parametrize("abi", ["cpython", "universal"])
def test_stubtest_with_kiwisolvers_own_stub(abi, tmp_path):
    where = _port_with_stub(abi, tmp_path)
    (tmp_path / "none.ini").write_text("[mypy]\n")
    cmd = [sys.executable, "-m", "mypy.stubtest", "kiwisolver._cext", "--mypy-config-file",
           str(tmp_path / "none.ini"), "--allowlist", str(ALLOWLIST)]
    proc = _run(cmd, [where], tmp_path)
    # Unused allow-list entries are errors too (no --ignore-unused-allowlist).
    assert proc.returncode == 0, f"stubtest kiwisolver._cext ({abi}):\n{proc.stdout}"
    assert "Success: no issues found in 1 module" in proc.stdout, proc.stdout
    entries = [line for line in ALLOWLIST.read_text().splitlines() if line and not line.startswith("#")]
    t.report("kiwisolver's own _cext.pyi (mypy.stubtest)",
             f"{abi}: no error, {len(entries)} allow-listed objects ({ALLOWLIST.name})")


def test_the_real_kiwisolver_needs_the_same_allowlist(tmp_path):
    """The same allow-list makes stubtest pass against the real kiwisolver 1.5.1 with the stub
    its wheel installs (the sdist's), and none of its entries is unused there either: every
    object allowed for the port has an error with the real kiwisolver too (the class entries
    for its missing `@disjoint_base`, the constructors because it has no text signatures)."""
    real_python = _real_kiwisolver_python()
    (tmp_path / "none.ini").write_text("[mypy]\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH", "HPY")}
    where = subprocess.run([real_python, "-c", "import kiwisolver; print(kiwisolver.__file__)"], env=env,
                           capture_output=True, text=True, cwd=str(tmp_path), timeout=120)
    assert where.returncode == 0, where.stderr
    installed = Path(where.stdout.strip()).parent / "_cext.pyi"
    assert installed.read_text() == _stub().read_text(), installed
    cmd = [real_python, "-m", "mypy.stubtest", "kiwisolver._cext", "--mypy-config-file",
           str(tmp_path / "none.ini"), "--allowlist", str(ALLOWLIST)]
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          cwd=str(tmp_path), timeout=600)
    if "No module named mypy" in proc.stdout:
        pytest.skip(f"{real_python} has no mypy")
    assert proc.returncode == 0, proc.stdout
    assert "Success: no issues found in 1 module" in proc.stdout, proc.stdout


def _stub_init_parameters():
    """{class: [(name, default or inspect.Parameter.empty)]} of the stub's `__init__`s."""
    tree = ast.parse(_stub().read_text())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in CLASSES:
            init = next(f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__")
            args = init.args.posonlyargs + init.args.args
            defaults = [inspect.Parameter.empty] * (len(args) - len(init.args.defaults))
            defaults += [ast.literal_eval(d) for d in init.args.defaults]
            out[node.name] = [(a.arg, d) for a, d in zip(args, defaults)][1:]  # without self
    return out


def test_constructor_signatures_are_the_stubs():
    """The allow-listed `__init__`s: `inspect.signature` of each class gives the stub's names
    and defaults (`Term(variable, coefficient=1.0)`, ...), the parameters accepting keywords."""
    pkg_dir, _ = t.example_package("kiwisolver", "universal", "kiwisolver", SOURCES)
    script = (
        "import inspect, json, kiwisolver\n"
        f"print(json.dumps({{c: [(p.name, p.kind.name, repr(p.default)) for p in "
        f"inspect.signature(getattr(kiwisolver, c)).parameters.values()] for c in {CLASSES!r}}}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(pkg_dir))
    env.pop("HPY", None)
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    runtime = json.loads(proc.stdout)
    for cls, params in _stub_init_parameters().items():
        expected = [[name, "POSITIONAL_OR_KEYWORD", repr(default)] for name, default in params]
        assert runtime[cls] == expected, (cls, runtime[cls])


KEYWORD_CALLS = r"""
import kiwisolver as k
def attempt(expr):
    try:
        return repr(eval(expr))
    except Exception as e:
        return type(e).__name__
v = k.Variable("x")
for expr in [
    "k.Variable(name='a', context=3).context()",
    "k.Term(variable=v, coefficient=2)",
    "k.Term(v).coefficient()",
    "k.Expression(terms=[k.Term(v)], constant=3)",
    "k.Expression([]).constant()",
    "k.Constraint(expression=k.Expression([k.Term(v)]), op='<=', strength='weak')",
    "k.Constraint(k.Expression([k.Term(v)]), '==').strength() == k.strength.required",
    "k.strength.create(1, 2, 3) == k.strength.create(1, 2, 3, 1.0)",
    "k.strength.create(1, 2, 3, w=2)",
    "k.Solver().addConstraint(constraint=k.Variable() == 1)",
    "k.Variable(nom='a')",
    "k.Term(v, 1, 2)",
]:
    print(expr, "->", attempt(expr))
"""


def test_keyword_arguments_as_the_real_kiwisolver():
    """Where the stub's `/` is allow-listed (the constructors), keywords work as in kiwisolver
    1.5.1; where both say positional-only (`strength.create`, the Solver's methods), a keyword
    is a TypeError in both; the defaults the text signatures show are the ones used."""
    real_python = _real_kiwisolver_python()
    pkg_dir, _ = t.example_package("kiwisolver", "universal", "kiwisolver", SOURCES)
    outputs = []
    for python, path in ((sys.executable, str(pkg_dir)), (real_python, None)):
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HPY")}
        if path:
            env["PYTHONPATH"] = path
        proc = subprocess.run([python, "-c", KEYWORD_CALLS], env=env, capture_output=True, text=True,
                              timeout=120, cwd="/")
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    port, real = outputs
    assert port == real, f"port:\n{port}\nreal:\n{real}"
