#!/usr/bin/env bash
# Builds the 10,000-speech benchmark corpus: the State of the Union collection
# (249 speeches) copied 40 times, 9,960 speeches and about 486 MB in all.
#
# Usage: scripts/bench-corpus.sh [SOURCE_DIR] [DEST_DIR]
#   SOURCE_DIR  default: ../shared/corpus/sotu next to the repository
#   DEST_DIR    default: ${TMPDIR:-/tmp}/lectern-bench-corpus
#
# Writes DEST/copy-01 … DEST/copy-40, each holding every SOURCE/speeches/*.txt, and
# DEST/metadata.csv (the source catalogue; its fileid column matches the file names in every
# copy). Files are real copies, not links, so the page cache sees a real archive's worth of
# data. Does nothing if DEST is already complete.
set -euo pipefail

copies=40
source_dir=${1:-"$(dirname "$0")/../../shared/corpus/sotu"}
dest=${2:-"${TMPDIR:-/tmp}/lectern-bench-corpus"}

if [ ! -f "$source_dir/metadata.csv" ] || [ ! -d "$source_dir/speeches" ]; then
  echo "bench-corpus: $source_dir needs metadata.csv and speeches/" >&2
  exit 1
fi
per_copy=$(find "$source_dir/speeches" -maxdepth 1 -type f -name '*.txt' | wc -l)
expected=$((per_copy * copies))

count_existing() {
  find "$dest" -path "$dest/copy-*" -type f -name '*.txt' 2>/dev/null | wc -l
}

if [ -f "$dest/metadata.csv" ] && [ "$(count_existing)" -eq "$expected" ]; then
  echo "bench-corpus: $dest is already complete ($expected speeches)"
else
  echo "bench-corpus: writing $copies copies of $per_copy speeches to $dest"
  mkdir -p "$dest"
  rm -rf "$dest"/copy-*
  for i in $(seq -w 1 "$copies"); do
    mkdir "$dest/copy-$i"
    cp "$source_dir"/speeches/*.txt "$dest/copy-$i/"
  done
  cp "$source_dir/metadata.csv" "$dest/metadata.csv"
  if [ "$(count_existing)" -ne "$expected" ]; then
    echo "bench-corpus: expected $expected speeches in $dest, found $(count_existing)" >&2
    exit 1
  fi
fi
bytes=$(du -sb "$dest" | cut -f1)
echo "bench-corpus: $(du -sh "$dest" | cut -f1) on disk in $dest ($((bytes / 1000000)) MB of text)"
