#!/usr/bin/env bash
# Time to the first frame: runs the release binary on sample_archive/ in a virtual X
# display, RUNS times (default 10), and reports the median time from starting the process
# to its first frame on screen, and to the first frame showing the loaded library.
# Installs Xvfb first if it is missing (through scripts/setup.sh).
#
# Usage: scripts/bench-startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
command -v Xvfb >/dev/null || LECTERN_SCREENSHOT_TOOLS=1 scripts/setup.sh
cargo build --release --locked --quiet

display=:96
Xvfb "$display" -screen 0 1280x820x24 >/dev/null 2>&1 &
xvfb=$!
state=$(mktemp -d)
trap 'kill "$xvfb" 2>/dev/null || true; rm -rf "$state"' EXIT
export DISPLAY=$display XDG_DATA_HOME=$state LECTERN_STARTUP_PROBE=1
unset WAYLAND_DISPLAY
sleep 1

firsts=()
libraries=()
for _ in $(seq "$runs"); do
  start=$(date +%s%3N)
  line=$(target/release/lectern open sample_archive | grep '^startup:')
  first=$(echo "$line" | awk '{print $4}')
  library=$(echo "$line" | awk '{print $6}')
  firsts+=($((first - start)))
  libraries+=($((library - start)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "first frame:             median $(median "${firsts[@]}") ms (runs: ${firsts[*]})"
echo "first frame with library: median $(median "${libraries[@]}") ms (runs: ${libraries[*]})"
