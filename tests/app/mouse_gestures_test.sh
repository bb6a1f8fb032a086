#!/usr/bin/env bash
# A touch screen that acts as a mouse gets the touch table's gestures: a press that starts on a
# hand-placed point and drags moves that point (and does not pan), and a press held still for
# 0.6 s removes the nearest point (its release adds none). Checked in the saved experiment.
set -euo pipefail
bin="$1"
source "$(dirname "${BASH_SOURCE[0]}")/xvfb_session.sh"

start_window 3 run --preset xor --paused --save-path saved.toml

# The hand-placed points in saved.toml (Ctrl+S), one "x y label" line each.
points() {
  rm -f saved.toml
  xdotool key ctrl+s
  for _ in $(seq 50); do [ -s saved.toml ] && break; sleep 0.1; done
  [ -s saved.toml ] || fail "Ctrl+S wrote nothing"
  /usr/bin/python3 -c 'import sys, tomllib; [print(*p) for p in tomllib.load(open("saved.toml", "rb"))["data"]["user_points"]]'
}

xdotool mousemove --window "$wid" 600 300
sleep 0.3
xdotool click 1
sleep 1
before="$(points)"
[ "$(wc -l <<<"$before")" = 1 ] || fail "a click should add one point; saved: $before"

# Press on it, drag 120 px right and 80 down in steps, let go.
xdotool mousedown 1
for i in 1 2 3 4; do sleep 0.1; xdotool mousemove --window "$wid" $((600 + 30 * i)) $((300 + 20 * i)); done
sleep 0.3
xdotool mouseup 1
sleep 1
after="$(points)"
[ "$(wc -l <<<"$after")" = 1 ] || fail "dragging a point should keep one point; saved: $after"
read -r x0 y0 _ <<<"$before"
read -r x1 y1 _ <<<"$after"
/usr/bin/python3 -c "import sys; dx, dy = $x1 - $x0, $y1 - $y0; sys.exit(0 if dx > 0.1 and dy < -0.05 else 1)" ||
  fail "the dragged point should have moved right and down (data y up): $before -> $after"

# Held still on it: removed while the button is down; the release adds nothing.
xdotool mousedown 1
sleep 1.2
xdotool mouseup 1
sleep 1
left="$(points)"
[ -z "$left" ] || fail "a long press should remove the point; saved: $left"
quit_app "after the gestures"
echo "mouse gestures: passed (moved $before -> $after, then removed)"
