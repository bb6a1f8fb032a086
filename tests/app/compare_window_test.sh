#!/usr/bin/env bash
# Four experiments side by side in the live window, the widest 4 hidden layers of 256: frames
# keep coming while the fields refine (the session report counts them), one epoch clock keeps
# every run within an epoch of the others, a click on any panel's field adds the point to every
# run, Space pauses them all, and Ctrl+Q ends the app at once. Then a named comparison running
# free: each run at its own speed.
set -euo pipefail
bin="$1"
source "$(dirname "${BASH_SOURCE[0]}")/xvfb_session.sh"

start_window 8 run --preset spiral --speed 0 --compare "--hidden 8,8" --compare "--hidden 64,64,64" \
  --compare "--hidden 256,256,256,256"
# The 2x2 tiles right of the 360 px control panel: the fields of panels 1 and 3 (left column).
xdotool mousemove --window "$wid" 470 160
sleep 0.3
xdotool click 1
sleep 0.8
xdotool mousemove --window "$wid" 470 520
sleep 0.3
xdotool click 3
sleep 1.5
xdotool key space
sleep 2
t0=$(date +%s%N)
quit_app "four runs side by side"
ms=$((($(date +%s%N) - t0) / 1000000))
read_report
echo "$report; Ctrl+Q took $ms ms"
epochs=$(sed -n 's/.*side by side: 4 runs at epochs \([0-9, ]*\) (one epoch clock).*/\1/p' <<<"$report")
points=$(sed -n 's/.*user points \([0-9, ]*\).*/\1/p' <<<"$report")
[ -n "$epochs" ] || fail "the report does not give four runs on one epoch clock"
[ "$frames" -ge 3 ] || fail "only $frames frames"
[ "$refining" -ge 1 ] || fail "no frame was presented while a field was refining"
[ "$ms" -le 10000 ] || fail "Ctrl+Q took $ms ms"
lo=$(tr ',' '\n' <<<"$epochs" | sort -n | head -1 | tr -d ' ')
hi=$(tr ',' '\n' <<<"$epochs" | sort -n | tail -1 | tr -d ' ')
[ "$hi" -ge 1 ] || fail "no run trained a whole epoch (epochs $epochs)"
[ $((hi - lo)) -le 1 ] || fail "one epoch clock, yet the runs are at epochs $epochs"
[ "$points" = "2, 2, 2, 2" ] || fail "two clicks should add a point to each of the four runs; they hold $points"

# Free running: each run at its own speed, the small network far ahead of the wide one.
NNLIVE_VALIDATION=1 "$bin" run --preset spiral --compare "--hidden 128,128,128" --compare-free --speed 0 --quit-after 8 \
  >app.log 2>&1 || fail "--compare-free failed"
report="$(grep "frames in" app.log)" || fail "no session report (--compare-free)"
echo "$report"
epochs=$(sed -n 's/.*side by side: 2 runs at epochs \([0-9, ]*\) (free running).*/\1/p' <<<"$report")
[ -n "$epochs" ] || fail "the report does not give two free-running runs"
small=${epochs%%,*}
wide=${epochs##*, }
[ "$small" -gt $((2 * wide + 2)) ] || fail "free running, 2-24-24-2 should make far more epochs than 3x128 (epochs $epochs)"
echo "compare window: passed"
