#!/usr/bin/env bash
# Unpacks Debian packages of another suite into a private folder, without touching the system.
#
#   tools/debian_unpack.sh SUITE DEST PACKAGE...
#
# e.g. `tools/debian_unpack.sh trixie .interpreters/pypy pypy3 pypy3-lib libc6 ...`.
#
# apt runs with a configuration of its own under DEST/.apt: a sources list derived from the
# machine's (the same Debian mirror, the suite replaced by SUITE), its own package lists and
# cache, and no dpkg status, so nothing is installed and the machine's apt state is untouched.
# Each downloaded .deb is extracted with `dpkg -x` into DEST, which then holds a root tree
# (DEST/usr/bin, DEST/usr/lib/x86_64-linux-gnu, ...). Programs from it must be started through
# DEST's own dynamic loader, since they need that suite's glibc (see tools/pypy).
#
# Exit status non-zero with a one-line reason on stderr when anything fails.
set -euo pipefail

if (($# < 3)); then
    echo "usage: $0 SUITE DEST PACKAGE..." >&2
    exit 2
fi
suite="$1"
dest="$2"
shift 2

fail() {
    echo "debian_unpack: $*" >&2
    exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: not a Debian system"
command -v dpkg >/dev/null 2>&1 || fail "dpkg not found: not a Debian system"

# The machine's Debian mirror (first deb822 URIs line or one-line `deb` entry naming a
# .../debian archive), else Debian's own.
mirror=""
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r "$f" ]] || continue
    mirror="$(grep -hoE '(URIs:[[:space:]]*|^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?)[a-z]+://[^[:space:]]*/debian/?([[:space:]]|$)' "$f" 2>/dev/null |
        grep -oE '[a-z]+://[^[:space:]]*' | grep -v security | head -n 1 || true)"
    [[ -n "$mirror" ]] && break
done
mirror="${mirror:-http://deb.debian.org/debian}"

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -r "$keyring" ]] || fail "$keyring missing (apt-get install debian-archive-keyring)"

mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
apt_dir="$dest/.apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
echo "deb [signed-by=$keyring] $mirror $suite main" >"$apt_dir/sources.list"
apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "Dir::State::status=/dev/null"
    -o "Debug::NoLocking=1"
    -o "APT::Sandbox::User=root"
)

rm -f "$apt_dir"/debs/*.deb
log="$apt_dir/apt.log"
if ! apt-get "${apt_opts[@]}" update >"$log" 2>&1; then
    fail "apt-get update for $suite from $mirror failed: $(grep -E '^(E|W):' "$log" | head -n 1)"
fi
if ! (cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download "$@") >>"$log" 2>&1; then
    fail "apt-get download from $suite failed: $(grep -E '^E:' "$log" | head -n 1)"
fi
for deb in "$apt_dir"/debs/*.deb; do
    dpkg -x "$deb" "$dest" || fail "dpkg -x $deb failed"
done
echo "debian_unpack: unpacked $# packages of $suite into $dest" >&2
