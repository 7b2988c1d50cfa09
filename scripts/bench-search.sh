#!/usr/bin/env bash
# Times `lectern search` on the 10,000-speech corpus side by side with ripgrep scanning the
# same folder, and checks the search goals:
#   - a phrase query on a warm index (in-process, `cargo bench --bench search`) takes under
#     1/20 of `rg -c -i -F PHRASE DIR`;
#   - the whole `lectern search` process on a warm cache is faster than that rg run, and
#     finds the same speeches (word for word: rg's substring matches inside longer words,
#     "inter|national security|", are listed apart);
#   - building the index cold takes within 10x rg's time, with peak memory under 1.5x the
#     corpus's size.
# Exits 1 if a goal is missed.
#
# Usage: scripts/bench-search.sh [--runs N] [CORPUS_DIR]
#   CORPUS_DIR  default: ${TMPDIR:-/tmp}/lectern-bench-corpus (built by bench-corpus.sh)
#   --runs N    timed runs of each command, alternating (default 5)
#
# Needs ripgrep and GNU time (Debian packages `ripgrep` and `time`); installs them when run
# as root. The index goes to a temporary cache folder, removed at the end.
set -euo pipefail
export LC_ALL=C

repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/bench-lib.sh
. "$repo/scripts/bench-lib.sh"
bench_args "$@"
phrases=("national security" "state of the union" "the people")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench_setup bench-search
export LECTERN_CACHE_DIR="$tmp/cache"

echo "bench-search: warming the page cache"
find "$corpus" -type f -exec cat {} + >/dev/null

ok=true

corpus_mb=$(du -sm "$corpus" | cut -f1)
echo "bench-search: cold index builds ($runs runs, cache removed before each), corpus $corpus_mb MB"
for _ in $(seq "$runs"); do
  measure "$tmp/rg-cold" rg -c -i -F "${phrases[0]}" "$corpus"
  rm -rf "$LECTERN_CACHE_DIR"
  measure "$tmp/cold" "$lectern" search "$corpus" "\"${phrases[0]}\""
done
read -r rg_med _ _ < <(stats "$tmp/rg-cold")
read -r cold_med cold_min cold_peak < <(stats "$tmp/cold")
cold_ratio=$(awk -v a="$cold_med" -v b="$rg_med" 'BEGIN { printf "%.1f", a / b }')
cold_ok=$(verdict "$cold_ratio <= 10")
peak_ok=$(verdict "$cold_peak < 1.5 * $corpus_mb")
printf 'cold build: median %s s (min %s s), %sx rg (%s s)   goal <= 10x: %s\n' \
  "$cold_med" "$cold_min" "$cold_ratio" "$rg_med" "$cold_ok"
printf 'cold build peak memory: %s MB   goal < 1.5 x %s MB: %s\n' "$cold_peak" "$corpus_mb" "$peak_ok"
[ "$cold_ok" = met ] && [ "$peak_ok" = met ] || ok=false

echo
printf '%-22s %10s %10s %7s %8s %8s %8s\n' phrase "rg s" "lectern s" ratio "rg files" lectern same
for phrase in "${phrases[@]}"; do
  rm -f "$tmp/rg" "$tmp/le"
  "$lectern" search "$corpus" "\"$phrase\"" >/dev/null 2>&1 # the cache is warm from here
  for _ in $(seq "$runs"); do
    measure "$tmp/rg" rg -c -i -F "$phrase" "$corpus"
    measure "$tmp/le" "$lectern" search "$corpus" "\"$phrase\""
  done
  read -r rg_med _ _ < <(stats "$tmp/rg")
  read -r le_med _ _ < <(stats "$tmp/le")
  # The same speeches: lectern's paths against rg's files, whole words (-w) and as rg -F
  # finds them (substrings too).
  "$lectern" search "$corpus" "\"$phrase\"" --files | sort >"$tmp/le-files"
  (cd "$corpus" && rg -l -i -F "$phrase" . | sed 's|^\./||' | sort) >"$tmp/rg-files"
  (cd "$corpus" && rg -l -i -w -F "$phrase" . | sed 's|^\./||' | sort) >"$tmp/rg-words"
  same=no
  if cmp -s "$tmp/le-files" "$tmp/rg-words"; then same=yes; fi
  extra=$(comm -13 "$tmp/le-files" "$tmp/rg-files" | wc -l)
  missing=$(comm -23 "$tmp/le-files" "$tmp/rg-files" | wc -l)
  ratio=$(awk -v a="$le_med" -v b="$rg_med" 'BEGIN { printf "%.2f", a / b }')
  printf '%-22s %10s %10s %7s %8s %8s %8s\n' "\"$phrase\"" "$rg_med" "$le_med" "${ratio}x" \
    "$(wc -l <"$tmp/rg-files")" "$(wc -l <"$tmp/le-files")" "$same"
  if [ "$extra" -gt 0 ]; then
    echo "    rg -F also lists $extra files where the phrase is only part of longer words, e.g.:"
    comm -13 "$tmp/le-files" "$tmp/rg-files" | head -1 | while read -r f; do
      rg -o -i -m1 ".{0,12}$phrase.{0,6}" "$corpus/$f" | head -1 | sed 's/^/      /'
    done
  fi
  [ "$missing" -eq 0 ] || { echo "    lectern found $missing files rg did not" >&2; ok=false; }
  [ "$same" = yes ] || ok=false
  [ "$(verdict "$ratio < 1")" = met ] || ok=false
  # Keep rg's time of the first phrase for the in-process goal.
  [ "$phrase" = "${phrases[0]}" ] && rg_first=$rg_med
done

echo
echo "bench-search: warm in-process queries (cargo bench -p lectern_store --bench search)"
bench=$(cd "$repo" && LECTERN_BENCH_CORPUS="$corpus" cargo bench --quiet -p lectern_store \
  --bench search -- phrase 2>/dev/null)
echo "$bench" | grep -E '^[│├╰ ]*[├╰]─ "' || true
median_ms=$(echo "$bench" | grep "\"${phrases[0]}\"" | awk -F'│' '{ print $3 }' |
  awk '{ v = $1; u = $2; if (u == "µs") v /= 1000; else if (u == "ns") v /= 1e6; else if (u == "s") v *= 1000; print v }')
share=$(awk -v q="$median_ms" -v r="$rg_first" 'BEGIN { printf "%.0f", r * 1000 / q }')
query_ok=$(verdict "$share >= 20")
echo "\"${phrases[0]}\" on a warm index: $median_ms ms, 1/$share of rg   goal under 1/20: $query_ok"
[ "$query_ok" = met ] || ok=false

$ok
