#!/usr/bin/env bash
# Installs what Lectern needs to build and run on a fresh Debian machine.
# Usage: scripts/setup.sh [--ci]
set -euo pipefail

need_apt=()
command -v cc >/dev/null || need_apt+=(build-essential)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq "${need_apt[@]}"
  fi
fi

if ! command -v cargo >/dev/null; then
  echo "setup: installing the Rust toolchain needs rustup (https://rustup.rs); cargo is not on PATH" >&2
  exit 1
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true
