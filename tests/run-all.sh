#!/usr/bin/env bash
# Runs every test of nianbao: formatting, lints, the Rust test suite (unit, integration,
# snapshot, serve), then the real-browser suite (axe-core, Nu Html Checker, links, nginx,
# live reload). Installs what the browser suite needs (Debian chromium, nginx, npm packages)
# idempotently. This is the command README.md names and .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --locked -- -D warnings

step "cargo test"
cargo build --release --locked
cargo test --locked

step "browser suite"
bash tests/browser/setup.sh
bash tests/browser/run.sh
