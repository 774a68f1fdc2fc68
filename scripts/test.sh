#!/usr/bin/env bash
# Runs every test of Minga: format and lint, unit and integration tests (real server, on-disk
# SQLite), then the browser tests in headless Chromium. Installs what it needs first
# (scripts/setup-test-deps.sh; quick when everything is already there).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-test-deps.sh

start=$(date +%s)
# each step says when it starts (seconds since the start), so a slow CI run shows where it went
step() { printf '\n==> [%ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (unit and integration)"
cargo test --workspace --locked

step "browser tests (Playwright, Debian Chromium, JavaScript on and off)"
# the binary `cargo test` built for the integration tests (a `cargo build -p server` here would
# resolve features without the dev-dependencies and rebuild 20 crates: 2 minutes of CI)
cargo test --workspace --locked --no-run
(cd end2end && MINGA_BIN="$PWD/../target/debug/minga" npx playwright test)

printf '\nAll tests passed in %ss.\n' "$(( $(date +%s) - start ))"
