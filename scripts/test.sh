#!/usr/bin/env bash
# Set up from nothing and run every test: lint, unit and integration tests on SQLite,
# then the integration tests again on PostgreSQL (127.0.0.1:5432, database `test`).
set -euo pipefail
cd "$(dirname "$0")/.."

# The console's browser tests drive Debian's headless Chromium through chromedriver.
if ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

.venv/bin/ruff check src tests benchmarks tools
.venv/bin/pytest -q -n 2 -p no:cacheprovider tests
ROLECALL_TEST_DB=postgresql .venv/bin/pytest -q -n 2 -p no:cacheprovider tests/integration
