#!/usr/bin/env bash
# Sets up a fresh Debian machine and opens Lectern on the sample archive.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked
# The first run opens sample_archive/; later runs open the archive used last.
exec target/release/lectern "$@"
