#!/usr/bin/env bash
# apt-get install PACKAGES from the machine's own apt sources, as root (through sudo when not root).
# Exit status 3: this machine cannot install packages (no apt-get, or neither root nor sudo).
set -euo pipefail
[ $# -gt 0 ] || exit 0
command -v apt-get >/dev/null 2>&1 || { echo "no apt-get to install $*" >&2; exit 3; }
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "not root and no sudo: cannot install $*" >&2
    exit 3
fi
echo "installing $* (apt-get)" >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
