#!/usr/bin/env bash
# Prints the path of a Python virtual environment holding schemathesis at the pinned version,
# creating it on first use. Cached outside the repo, keyed by version, shared and locked:
# concurrent callers wait for the one that builds it.
set -euo pipefail

VERSION=4.32.5
CACHE="${MICROSERVICES_PLATFORM_CACHE:-$HOME/.cache/microservices-platform}"
VENV="$CACHE/schemathesis-$VERSION"

mkdir -p "$CACHE"
exec 9>"$CACHE/schemathesis-$VERSION.lock"
flock 9
if [ ! -f "$VENV/.complete" ]; then
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" >&2; then
    echo "schemathesis: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
  touch "$VENV/.complete"
fi
echo "$VENV"
