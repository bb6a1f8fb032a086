#!/usr/bin/env bash
# No click is lost: 50 left clicks at distinct places on the field, fired as fast as xdotool
# goes (several land within one frame), and three clicks 0.3 s apart at three places, each add a
# point; a double-click (two clicks at one place) adds none. Counted from the saved config.
set -euo pipefail
bin="$1"
source "$(dirname "${BASH_SOURCE[0]}")/xvfb_session.sh"

start_window 3 run --preset xor --paused --save-path saved.toml

# 50 places on a 10 x 5 grid inside the field (right of the control panel), 30 px apart.
for ((i = 0; i < 50; ++i)); do
  xdotool mousemove --window "$wid" $((500 + (i % 10) * 30)) $((150 + (i / 10) * 30)) click 1
done
for ((i = 0; i < 3; ++i)); do
  xdotool mousemove --window "$wid" $((520 + i * 90)) 420 click 1
  sleep 0.3
done
sleep 1
# A double-click: resets the view, adds nothing.
xdotool mousemove --window "$wid" 700 330 click --repeat 2 --delay 60 1
sleep 1.5
xdotool key ctrl+s
for _ in $(seq 50); do [ -s saved.toml ] && break; sleep 0.1; done
[ -s saved.toml ] || fail "Ctrl+S wrote nothing"
count="$("$bin" train --config saved.toml --epochs 1 | tail -1 | sed -n 's/.*"user_points":\([0-9]*\).*/\1/p')"
quit_app "after the clicks"
[ "$count" = "53" ] || fail "53 clicks at distinct places should add 53 points (and the double-click none); saved.toml has $count"
echo "rapid clicks: passed (53 of 53 clicks added a point)"
