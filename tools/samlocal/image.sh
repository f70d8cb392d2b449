#!/usr/bin/env bash
# The image `sam local` runs each function in, printed on stdout: AWS's public.ecr.aws/lambda/python:3.13
# when it is present or can be pulled, else the one build-image.sh builds on this machine (cached).
# Makes sure docker runs first (build-image.sh --runtime: installs docker.io, starts dockerd); fails,
# saying why on stderr, when it cannot. Used by `make sam-api` and `make sam-local` (e2e.sh).
set -euo pipefail
HERE="$(dirname "$0")"
OFFICIAL_IMAGE="public.ecr.aws/lambda/python:3.13"

"$HERE/build-image.sh" --runtime >/dev/null
if docker image inspect "$OFFICIAL_IMAGE" >/dev/null 2>&1 || docker pull --quiet "$OFFICIAL_IMAGE" >/dev/null 2>&1; then
    echo "$OFFICIAL_IMAGE"
else
    echo "samlocal: $OFFICIAL_IMAGE cannot be pulled; using the locally built image" >&2
    "$HERE/build-image.sh" | tail -n 1
fi
