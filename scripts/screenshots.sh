#!/usr/bin/env bash
# Runs the real app in a virtual X display and saves screenshots of its main views to
# docs/screenshots/, installing Xvfb, xdotool and ImageMagick first if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
LECTERN_SCREENSHOT_TOOLS=1 scripts/setup.sh
out=docs/screenshots
mkdir -p "$out"
cargo build --release --locked --quiet

display=:97
Xvfb "$display" -screen 0 1280x820x24 >/dev/null 2>&1 &
xvfb=$!
state=$(mktemp -d)
app=
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT
export DISPLAY=$display XDG_DATA_HOME=$state LECTERN_CACHE_DIR=$state/cache
unset WAYLAND_DISPLAY
sleep 1

shot() { xwd -root -silent | /usr/bin/convert xwd:- "png:$out/$1.png"; echo "saved $out/$1.png"; }
click() { xdotool mousemove "$1" "$2"; sleep 0.3; xdotool click 1; sleep 0.8; }

# A copy of the sample archive with a few annotations made through the command line.
archive=$state/sample_archive
cp -r sample_archive "$archive"
seed=mi5/000_dd9ed34a99eb1f64.txt
annotate() { target/release/lectern annotate "$archive" "$seed" "$@" >/dev/null; }
annotate --quote "43 late-stage attack plots" --tag terrorism --note "Headline figure since March 2017."
annotate --quote "the most complex and interconnected threat environment" --tag threat-picture
annotate --quote "Over 750 Russian diplomats have been expelled from Europe" --tag state-threats/russia \
  --note "Expulsions as disruption; compare the 2018 Salisbury response."
annotate --quote "state threat investigations we're running has shot up by 48%" --tag state-threats
annotate --quote "Russia, Iran and China" --tag state-threats
# Passages about war across two centuries of State of the Union addresses, for the
# timeline's chart of coded passages.
war() { target/release/lectern annotate "$archive" "sotu/$1.txt" --quote "$2" --occurrence 1 --tag war >/dev/null; }
war 1823-Monroe-1 "the recent war between France and Spain"
war 1862-Lincoln-1 "The civil war"
war 1918-Wilson-1 "the war"
war 1941-Roosevelt-1 "no single war in Europe"
war 1946-Truman-1 "war liquidation with reconversion"
war 1964-Johnson-1 "war on poverty"
war 2002-Bush-1 "war against terror"

target/release/lectern open "$archive" &
app=$!
sleep 3
# Without a window manager nothing gives the window the keyboard; give it explicitly.
xdotool windowfocus --sync "$(xdotool search --name '^Lectern$' | head -1)"
shot library
# The founding document: the second row from the bottom when sorted by date.
click 150 683
shot reader
# Its outline: jump to "State Threats".
click 1000 166
shot reader-outline
# The keyboard: N selects the next annotation, opens it beside the text and brings it into
# view; F1 lists the shortcuts.
xdotool key n; sleep 0.8
shot reader-next-annotation
xdotool key F1; sleep 0.8
shot shortcuts
xdotool key Escape; sleep 0.3
# The problems list (files skipped, import notes).
click 585 12
shot problems
xdotool key Escape; sleep 0.3
# Annotating: back to the introduction, select words with the pointer (the Highlight
# button appears by them), then H and a tag with type-ahead, then a note.
xdotool key Escape; sleep 0.3
click 1000 120
xdotool mousemove 590 526 mousedown 1 sleep 0.2 mousemove 700 530 sleep 0.2 mousemove 946 548 sleep 0.3 mouseup 1
sleep 0.6
shot reader-selection
xdotool key h; sleep 0.4
xdotool type --delay 60 "threat"; sleep 0.6
shot reader-tagging
xdotool key Return; sleep 0.3
xdotool key Escape; sleep 0.3
xdotool key e; sleep 0.3
xdotool type --delay 20 "Opens on the partnership: CTOC as the stage for the threat update."
sleep 0.3
xdotool key Escape; sleep 1.2
shot reader-annotate
# The tag manager: the tree with counts, and one tag's colour, parent and actions.
xdotool key ctrl+t; sleep 0.6
click 375 289
shot tags
xdotool key Escape; sleep 0.3
# The timeline: every speech by speaker, then the passages tagged war over the years.
xdotool key Escape; sleep 0.3
xdotool key ctrl+l; sleep 0.8
shot timeline
click 290 573
click 216 692
xdotool key Escape; sleep 0.8
shot timeline-passages
xdotool key ctrl+l; sleep 0.5
# Search: words across the archive, then a hit opened in the reader with every hit marked
# and N stepping to the next.
xdotool key ctrl+shift+f; sleep 0.5
xdotool type --delay 40 'terror* -iraq'; sleep 1.5
shot search
click 300 330
xdotool key n; sleep 0.8
shot reader-hits
click 40 42
# The library's filters.
click 33 42
shot library-filters
click 33 42
# The light theme.
click 1119 12
click 1001 58
xdotool key Escape; sleep 0.6
shot reader-light
