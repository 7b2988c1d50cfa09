#!/usr/bin/env bash
# Installs what Lectern needs to build and run on a fresh Debian machine.
# Usage: scripts/setup.sh [--ci]
set -euo pipefail

ci=false
[ "${1:-}" = "--ci" ] && ci=true

has_lib() { { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q "$1"; }

need_apt=()
command -v cc >/dev/null || need_apt+=(build-essential)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
# The REFI-QDA export's test validates the project against its schema with xmllint.
command -v xmllint >/dev/null || need_apt+=(libxml2-utils)
if ! $ci; then
  # The window is opened through X11 or Wayland with OpenGL, loaded when the app starts.
  has_lib libEGL.so.1 || need_apt+=(libegl1)
  has_lib libGL.so.1 || need_apt+=(libgl1)
  has_lib libxkbcommon-x11.so.0 || need_apt+=(libxkbcommon-x11-0)
  has_lib libXcursor.so.1 || need_apt+=(libxcursor1)
  has_lib libXi.so.6 || need_apt+=(libxi6)
  has_lib libXrandr.so.2 || need_apt+=(libxrandr2)
  has_lib libwayland-client.so.0 || need_apt+=(libwayland-client0)
fi
if [ "${LECTERN_SCREENSHOT_TOOLS:-}" = 1 ]; then
  # For scripts/screenshots.sh: a virtual display and tools to drive and capture it.
  command -v Xvfb >/dev/null || need_apt+=(xvfb)
  command -v xwd >/dev/null || need_apt+=(x11-apps)
  command -v xdotool >/dev/null || need_apt+=(xdotool)
  [ -x /usr/bin/convert ] || need_apt+=(imagemagick)
fi
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
