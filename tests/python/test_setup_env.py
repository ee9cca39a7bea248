"""tools/setup_env.sh's apt step: it waits for apt's lock, with a bound, instead of failing.

The apt functions run for real (sourced from tools/setup_env.sh, which then defines them and
returns), against a fake `apt-get` (and `dpkg`, `sudo`) first on PATH: nothing is installed and
no lock is touched. Host-only: it checks a shell script, not an interpreter.
"""

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hpyrs_testing

if hpyrs_testing.IS_PYPY or hpyrs_testing.IS_PROJECT_LOCAL_CPYTHON:
    pytest.skip("host-only: tools/setup_env.sh runs on the host", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
SETUP_ENV = ROOT / "tools" / "setup_env.sh"

# What apt 2.6 prints when another apt-get holds the lists lock (the failure issue 12 reports).
LISTS_LOCK = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)"

# The fake apt-get: logs its arguments, one line per call; the first $FAKE_APT_LOCKED calls of
# the command $FAKE_APT_FAIL_ON (update/install) print $FAKE_APT_ERROR and exit 100, as apt does.
FAKE_APT_GET = r"""#!/usr/bin/env bash
echo "$*" >>"$FAKE_DIR/calls"
command=""
for arg in "$@"; do
    case "$arg" in -*|*=*) ;; *) command="$arg"; break ;; esac
done
if [[ "$command" == "$FAKE_APT_FAIL_ON" ]]; then
    n=$(( $(cat "$FAKE_DIR/count" 2>/dev/null || echo 0) + 1 ))
    echo "$n" >"$FAKE_DIR/count"
    if (( FAKE_APT_LOCKED < 0 || n <= FAKE_APT_LOCKED )); then
        echo "$FAKE_APT_ERROR" >&2
        exit 100
    fi
fi
echo "fake apt-get $command: done"
"""

# `dpkg -s PKG`: installed only if listed in $FAKE_INSTALLED.
FAKE_DPKG = r"""#!/usr/bin/env bash
[[ " $FAKE_INSTALLED " == *" $2 "* ]]
"""

FAKE_SUDO = """#!/usr/bin/env bash
exec "$@"
"""


def run_apt_step(tmp_path, packages, *, fail_on="update", locked=0, error=LISTS_LOCK, wait=60,
                 delay="0", installed=()):
    """Runs `install_apt_packages PACKAGES` from tools/setup_env.sh with the fakes; returns
    (exit status, stderr, the fake apt-get's calls, seconds taken)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("apt-get", FAKE_APT_GET), ("dpkg", FAKE_DPKG), ("sudo", FAKE_SUDO)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    env = dict(
        os.environ,
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        FAKE_DIR=str(tmp_path),
        FAKE_APT_FAIL_ON=fail_on,
        FAKE_APT_LOCKED=str(locked),
        FAKE_APT_ERROR=error,
        FAKE_INSTALLED=" ".join(installed),
        HPYRS_APT_LOCK_WAIT=str(wait),
        HPYRS_APT_RETRY_DELAY=delay,
    )
    script = f"source {shlex.quote(str(SETUP_ENV))}; install_apt_packages {shlex.join(packages)}"
    start = time.monotonic()
    proc = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120)
    took = time.monotonic() - start
    calls_file = tmp_path / "calls"
    calls = calls_file.read_text().splitlines() if calls_file.exists() else []
    # Everything goes to stderr: setup_env.sh's stdout is reserved for the venv path.
    assert proc.stdout == "", proc.stdout
    return proc.returncode, proc.stderr, calls, took


def command_of(call):
    return next(arg for arg in call.split() if not arg.startswith("-") and "=" not in arg)


def test_waits_while_another_apt_get_holds_the_lists_lock(tmp_path):
    rc, err, calls, _ = run_apt_step(tmp_path, ["libclang-dev", "valgrind"], locked=3)
    assert rc == 0, err
    assert [command_of(c) for c in calls] == ["update"] * 4 + ["install"]
    assert calls[-1].endswith("install -y --no-install-recommends libclang-dev valgrind")
    assert err.count("apt's lock is held by another process; retrying") == 3
    assert err.count(LISTS_LOCK) == 3  # apt's own message stays visible
    # apt-get itself waits for the dpkg lock, within what is left of the bound.
    for call in calls:
        timeout = re.search(r"-o DPkg::Lock::Timeout=(\d+)", call)
        assert timeout and 0 < int(timeout.group(1)) <= 60, call


def test_waits_for_the_dpkg_lock_of_install_too(tmp_path):
    error = ("E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)\n"
             "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), "
             "is another process using it?")
    rc, err, calls, _ = run_apt_step(tmp_path, ["gcc"], fail_on="install", locked=2, error=error)
    assert rc == 0, err
    assert [command_of(c) for c in calls] == ["update"] + ["install"] * 3


def test_gives_up_after_the_bound_with_a_message_that_says_what_to_do(tmp_path):
    rc, err, calls, took = run_apt_step(tmp_path, ["libclang-dev"], locked=-1, wait=2, delay="0.2")
    assert rc != 0
    assert took < 30, f"the bound is 2 s, the apt step took {took:.1f} s"
    assert 2 <= len(calls) and all(command_of(c) == "update" for c in calls)  # never got to install
    last = err.strip().splitlines()[-1]
    assert "error: apt-get update: another apt-get or dpkg still holds apt's lock after 2s" in last
    assert f"({len(calls)} attempts)" in last
    assert "HPYRS_APT_LOCK_WAIT" in last and "HPYRS_SKIP_APT=1" in last


def test_other_apt_errors_are_not_retried(tmp_path):
    error = "E: Unable to locate package libclang-dev"
    rc, err, calls, _ = run_apt_step(tmp_path, ["libclang-dev"], fail_on="install", locked=-1, error=error)
    assert rc == 100  # apt-get's own status
    assert [command_of(c) for c in calls] == ["update", "install"]
    assert "retrying" not in err
    assert "error: apt-get install -y --no-install-recommends libclang-dev failed (exit 100)" in err


def test_installed_packages_need_no_apt_get(tmp_path):
    rc, err, calls, _ = run_apt_step(tmp_path, ["gcc", "binutils"], installed=("gcc", "binutils"))
    assert (rc, calls) == (0, []), err


def test_readme_documents_the_environment_variables():
    """Every HPYRS_* variable of setup_env.sh's "Environment:" comment is explained in README.md."""
    header = SETUP_ENV.read_text().split("set -euo pipefail")[0]
    documented = set(re.findall(r"HPYRS_[A-Z0-9_]+", header))
    assert {"HPYRS_SKIP_APT", "HPYRS_APT_LOCK_WAIT"} <= documented
    readme = (ROOT / "README.md").read_text()
    assert sorted(v for v in documented if v not in readme) == []


def test_sourcing_only_defines_the_functions():
    """Sourcing must not run the setup (tests above rely on it): no venv check, no output."""
    proc = subprocess.run(
        ["bash", "-c", f"source {shlex.quote(str(SETUP_ENV))}; type -t apt_get_retry install_apt_packages"],
        capture_output=True, text=True, timeout=30,
    )
    assert (proc.returncode, proc.stdout.split(), proc.stderr) == (0, ["function", "function"], "")


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
