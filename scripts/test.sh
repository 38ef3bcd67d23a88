#!/usr/bin/env bash
# Runs the whole suite: unit, integration and browser tests.
#   npm test                       SQLite (a fresh temp file per test file)
#   TEST_DATABASE_URL=postgres://… npm test   the same suite on PostgreSQL (a fresh database per test file)
#     with TEST_DATABASE_APP_URL=postgres://… (a role that owns no tables), the apps under test serve as it,
#     held by row security, as .ci/run's PostgreSQL run does
#   npm test -- unit|integration|browser      one layer only
# On PostgreSQL the browser layer of a whole run is the smoke journey only (sign-in, the portfolio): the
# pages and their axe checks do not depend on the database, and the full journeys run on SQLite. Nor do the
# unit tests (src/**/*.test.ts), which a whole run on PostgreSQL leaves out; `npm test -- unit` still runs them.
# `npm test -- browser` on PostgreSQL still runs every journey.
set -euo pipefail
shopt -s globstar nullglob
cd "$(dirname "$0")/.."
layer="${1:-all}"
files=()
browser=(test/browser/**/*.test.ts)
[ -n "${TEST_DATABASE_URL:-}" ] && [ "$layer" = all ] && browser=(test/browser/sign-in.test.ts)
case "$layer" in
  unit) files=(src/**/*.test.ts test/unit/**/*.test.ts) ;;
  integration) files=(test/integration/**/*.test.ts) ;;
  browser) files=("${browser[@]}") ;;
  all)
    files=(src/**/*.test.ts test/unit/**/*.test.ts test/integration/**/*.test.ts "${browser[@]}")
    # The unit tests touch no database: a PostgreSQL run of the whole suite leaves them to the SQLite run.
    [ -n "${TEST_DATABASE_URL:-}" ] && files=(test/integration/**/*.test.ts "${browser[@]}")
    ;;
  *) echo "usage: npm test [-- unit|integration|browser]" >&2; exit 2 ;;
esac
echo "Running ${#files[@]} test files on ${TEST_DATABASE_URL:+PostgreSQL}${TEST_DATABASE_URL:-SQLite}" | sed -E 's#postgres(ql)?://[^ ]*#PostgreSQL#'

# Every test database is a copy of one template migrated here, once for the run.
eval "$(node --import tsx test/helpers/template-database.ts create)"
trap 'node --import tsx test/helpers/template-database.ts drop || true' EXIT

# The suite runs compiled: tsc writes src/, test/ and bench/ to .test-build/ (incrementally, so a second run
# rebuilds only what changed), which saves each test file's process a second or more of loading TypeScript
# through tsx's hooks. A type error stops the run here, before any test.
npx tsc -p tsconfig.json --outDir .test-build --incremental --tsBuildInfoFile .test-build/.tsbuildinfo
compiled=()
for f in "${files[@]}"; do compiled+=(".test-build/${f%.ts}.js"); done

# A test or hook that hangs fails after three minutes, and a handle left open after the last test
# cannot keep a file's process (and so the run) alive: a failure is reported, never a hang.
node --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=180000 --test-force-exit \
  --test-reporter=spec "${compiled[@]}"
