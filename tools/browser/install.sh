#!/usr/bin/env bash
# Debian's chromium and chromium-driver for tests/browser, when missing. Nothing downloads a browser;
# where they cannot be installed the browser tests skip, saying why.
set -uo pipefail
missing=()
command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1 || missing+=(chromium)
command -v "${CHROMEDRIVER:-chromedriver}" >/dev/null 2>&1 || missing+=(chromium-driver)
[ ${#missing[@]} -eq 0 ] && exit 0
"$(dirname "$0")/../apt-install.sh" "${missing[@]}" || echo "browser tests: ${missing[*]} not installed; they will skip" >&2
exit 0
