# shellcheck shell=bash disable=SC2034,SC2154 # sourced: its variables are the caller's
# Shared by the benchmark scripts that time lectern beside ripgrep: sourced, not run.
# Expects $repo (the repository) and $tmp (a scratch folder) to be set; `bench_args "$@"`
# sets $runs and $corpus (the benchmark corpus folder), `bench_setup NAME` sets $lectern.

# Reads the scripts' common arguments: [--runs N] [CORPUS_DIR], and -h for the script's
# own header.
bench_args() {
  runs=5
  corpus="${TMPDIR:-/tmp}/lectern-bench-corpus"
  while [ $# -gt 0 ]; do
    case $1 in
      --runs) runs=$2; shift 2 ;;
      -h|--help) sed -n '2,/^set/s/^# \{0,1\}//p' "$0" | grep -v '^set'; exit 0 ;;
      *) corpus=$1; shift ;;
    esac
  done
}

# Installs ripgrep and GNU time when missing (as root), builds the binary as shipped (the
# `dist` profile: `release` optimised as one unit) and the corpus. NAME prefixes the messages.
bench_setup() {
  local name=$1 need=()
  command -v rg >/dev/null || need+=(ripgrep)
  [ -x /usr/bin/time ] || need+=(time)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "$name: needs ${need[*]}; install with: sudo apt-get install -y ${need[*]}" >&2
      exit 1
    fi
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  echo "$name: building the dist binary (cargo build --profile dist; the first build takes minutes)"
  (cd "$repo" && cargo build --profile dist --locked --quiet)
  lectern="$repo/target/dist/lectern"
  "$repo/scripts/bench-corpus.sh" "$repo/../shared/corpus/sotu" "$corpus"
}

# Appends "wall_seconds peak_kb" for one run of the command to the file named first; the
# command's output is dropped (its errors kept in $tmp/stderr).
measure() {
  local out=$1 start end
  shift
  start=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/stderr"
  end=$EPOCHREALTIME
  echo "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", e - s }') $(cat "$tmp/rss")" >>"$out"
}

# Prints "median min peak_mb" for a results file.
stats() {
  sort -n "$1" | awk '{ t[NR] = $1; if ($2 > peak) peak = $2 }
    END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
          printf "%.4f %.4f %.0f\n", m, t[1], peak / 1024 }'
}

# "met" when the awk expression holds, else "MISSED".
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo MISSED; fi; }
