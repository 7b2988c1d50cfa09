#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs Lectern on the sample archive.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked
exec target/release/lectern check sample_archive "$@"
