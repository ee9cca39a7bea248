#!/bin/sh
# One command for the HPy reference-port benchmark: builds the HPy developers' own HPy port of
# kiwisolver (github:hpyproject/kiwi, pinned commit) in both ABIs and measures it, the real
# kiwisolver 1.5.1 and the hpy-rs port with bench/kiwi_bench.py's callgrind method; writes
# bench/results/kiwi_hpy_reference.{md,json}. Why and how: README.md next to this file.
#   bench/kiwi_hpy_reference/run.sh [--source DIR] [--no-port] [--results DIR]
# A benchmark (a program that reports), not a test. Uses the repository's .venv (nothing is
# installed into it; cppy goes to target/kiwi-hpy-reference/deps) and needs valgrind.
set -e
cd "$(dirname "$0")/../.."
exec .venv/bin/python bench/kiwi_hpy_reference/kiwi_hpy_reference.py "$@"
