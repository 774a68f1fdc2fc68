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

step "cargo clippy and build (warnings are errors), then the unit and integration tests"
# One compilation serves both: the workspace's crates are compiled by clippy's driver (what
# `cargo clippy` runs under `cargo check`) with real code generation, so the lints run while the
# test binaries are built and the dependencies are compiled once instead of twice (a separate
# `cargo clippy` cost CI minutes). Every cargo command below keeps the same wrapper, so none
# rebuilds the workspace.
RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)"
export RUSTC_WORKSPACE_WRAPPER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
cargo test --workspace --all-targets --locked --no-run
cargo test --workspace --locked

# the binary `cargo test` built for the integration tests (a `cargo build -p server` here would
# resolve features without the dev-dependencies and rebuild 20 crates: 2 minutes of CI)
cargo test --workspace --locked --no-run

step "the JSON API fuzzed against its OpenAPI description (schemathesis)"
MINGA_BIN="$PWD/target/debug/minga" scripts/fuzz-api.sh

step "browser tests (Playwright, Debian Chromium, JavaScript on and off)"
(cd end2end && MINGA_BIN="$PWD/../target/debug/minga" npx playwright test)

printf '\nAll tests passed in %ss.\n' "$(( $(date +%s) - start ))"
