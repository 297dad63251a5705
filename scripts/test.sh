#!/usr/bin/env bash
# Set up everything the tests need on a fresh Debian machine, then run them all:
# lint, unit and integration tests, browser tests in Debian's Chromium, and the
# example notebooks under nbval. Safe to run again: finished steps are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${ADPIPELINE_VENV:-.venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e ".[test]"

# chromium for the browser tests; libgomp1 for llama.cpp's server (xllamacpp).
if [ ! -x /usr/bin/chromium ] || ! ldconfig -p | grep -q libgomp.so.1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libgomp1 >/dev/null
fi

# Node tools from package-lock.json: esbuild and eslint for the widgets' sources (widgets/),
# axe-core for the accessibility checks of the browser tests (from npm, never a CDN).
if ! command -v npm >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --silent

# A widget must never pick up a dev server or a file watcher in CI.
unset ANYWIDGET_HMR
export ADPIPELINE_HOME="${ADPIPELINE_HOME:-$(mktemp -d)}"

"$venv/bin/ruff" check adpipeline tests benchmarks cli_tools
npm run --silent check  # eslint, and the committed bundles in adpipeline/static are fresh
"$venv/bin/mypy" --ignore-missing-imports adpipeline
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
"$venv/bin/python" -m pytest -q -p no:cacheprovider --nbval-lax --nbval-current-env notebooks
