#!/usr/bin/env bash
# Times `lectern check` on the 10,000-speech corpus side by side with ripgrep scanning the
# same folder, and checks the performance goals: lectern's median within 3x rg's median and
# lectern's peak memory under 730 MB. Exits 1 if a goal is missed.
#
# Usage: scripts/bench-check.sh [--runs N] [CORPUS_DIR]
#   CORPUS_DIR  default: ${TMPDIR:-/tmp}/lectern-bench-corpus (built by bench-corpus.sh)
#   --runs N    timed runs of each tool, alternating (default 5)
#
# Needs ripgrep and GNU time (Debian packages `ripgrep` and `time`); installs them when run
# as root.
set -euo pipefail
export LC_ALL=C

repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/bench-lib.sh
. "$repo/scripts/bench-lib.sh"
bench_args "$@"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench_setup bench-check

echo "bench-check: warming the page cache and checking the corpus once"
find "$corpus" -type f -exec cat {} + >/dev/null
rg -c -F "national security" "$corpus" >/dev/null
summary=$("$lectern" check "$corpus" --json | grep -o '"summary":{[^}]*}' || true)
echo "bench-check: $summary"
if ! grep -q '"failed":0[,}]' <<<"$summary"; then
  echo "bench-check: the corpus must check without failures:" >&2
  "$lectern" check "$corpus" --quiet | grep FAILED | head -20 >&2 || true
  exit 1
fi

echo "bench-check: $runs timed runs each, alternating"
for _ in $(seq "$runs"); do
  measure "$tmp/rg" rg -c -F "national security" "$corpus"
  measure "$tmp/lectern" "$lectern" check "$corpus" --json
done

read -r rg_med rg_min rg_peak < <(stats "$tmp/rg")
read -r le_med le_min le_peak < <(stats "$tmp/lectern")
ratio=$(awk -v a="$le_med" -v b="$rg_med" 'BEGIN { printf "%.2f", a / b }')
ratio_ok=$(verdict "$ratio <= 3")
peak_ok=$(verdict "$le_peak < 730")

echo
printf '%-8s %9s %9s %8s\n' tool "median s" "min s" "peak MB"
printf '%-8s %9s %9s %8s\n' rg "$rg_med" "$rg_min" "$rg_peak" lectern "$le_med" "$le_min" "$le_peak"
echo
echo "lectern/rg (median): ${ratio}x   goal <= 3x: $ratio_ok"
echo "lectern peak memory: ${le_peak} MB   goal < 730 MB: $peak_ok"
[ "$ratio_ok" = met ] && [ "$peak_ok" = met ]
