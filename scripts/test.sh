#!/usr/bin/env bash
# Runs Lectern's whole test suite (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked "$@"
