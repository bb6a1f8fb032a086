#!/usr/bin/env bash
# Touches from a touch table reach the window: TUIO cursors over loopback (tuio_send.py, a
# stand-in table). Five taps at five places add five points; a long press on one removes it; a
# drag from another moves it (the count stays, and a point sits where the drag ended); a pinch
# and a one-finger pan on empty field change the view without adding anything; a tap on the
# diagram adds nothing; a tap on a panel button presses it; two taps at the same moment add two
# points; two fingers moving together pan. Counted from the saved config and the
# session report. The window also listens for XInput 2.2 touches of its own. Validation on.
set -euo pipefail
bin="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/xvfb_session.sh"
port="$(free_udp_port)"

NNLIVE_VALIDATION=1 "$bin" run --preset xor --paused --tuio "$port" --save-path saved.toml >app.log 2>&1 &
app_pid=$!
wid="$(timeout 60 xdotool search --sync --onlyvisible --classname '^nnlive$' | head -1)" || fail "no window appeared"
sleep 3
xdotool windowfocus --sync "$wid" 2>/dev/null || true
send() { /usr/bin/python3 "$here/tuio_send.py" "$port" "$@"; }
count() {
  rm -f saved.toml
  xdotool key ctrl+s
  for _ in $(seq 50); do [ -s saved.toml ] && break; sleep 0.1; done
  [ -s saved.toml ] || fail "Ctrl+S wrote nothing"
  "$bin" train --config saved.toml --epochs 1 | tail -1 | sed -n 's/.*"user_points":\([0-9]*\).*/\1/p'
}
# The field spans about x 0.38..0.63, y 0.2..0.65 of the window at 1280x720 with the panel open.
send tap 0.42 0.30 wait 0.4 tap 0.48 0.30 wait 0.4 tap 0.54 0.30 wait 0.4 tap 0.42 0.45 wait 0.4 tap 0.54 0.45 wait 0.5
n="$(count)"
[ "$n" = 5 ] || fail "five taps added $n points"
send hold 0.42 0.30 1.5 wait 0.5
n="$(count)"
[ "$n" = 4 ] || fail "a long press left $n points, not 4"
send drag 0.48 0.30 0.50 0.55 wait 0.5
n="$(count)"
[ "$n" = 4 ] || fail "a drag from a point left $n points, not 4"
# The moved point: near where the drag ended (in data coordinates: below the others).
moved="$(/usr/bin/python3 - <<'PY'
import tomllib
c = tomllib.load(open("saved.toml", "rb"))
pts = c["data"]["user_points"]
ys = sorted(p[1] for p in pts)
print(len(pts), ys[0] < ys[1] - 0.5)
PY
)"
[ "$moved" = "4 True" ] || fail "the dragged point did not move (points: $moved)"
send pinch 0.5 0.42 0.05 0.15 wait 0.3 drag 0.60 0.60 0.52 0.52 wait 0.3 tap 0.80 0.30 wait 0.6
n="$(count)"
[ "$n" = 4 ] || fail "a pinch, a pan and a tap on the diagram changed the points to $n"
# A tap on the panel's "Step (S)" button (at about 128,77 of 1280x720) presses it: one training
# step, and no point added.
send tap 0.100 0.107 wait 0.8
n="$(count)"
[ "$n" = 4 ] || fail "a tap on the Step button changed the points to $n"
# Two people tapping at the same moment: two points, not a pinch.
send taps 0.42 0.55 0.56 0.55 wait 0.6
n="$(count)"
[ "$n" = 6 ] || fail "two taps at once made $n points, not 6"
# Two fingers moving together pan: a tap where one of those taps landed now lands further left
# in the data (the data moved right with the fingers).
send pan2 0.50 0.40 0.06 0.0 wait 0.3 tap 0.42 0.55 wait 0.6
n="$(count)"
[ "$n" = 7 ] || fail "a two-finger pan and a tap made $n points, not 7"
panned="$(/usr/bin/python3 - <<'PY'
import tomllib
pts = tomllib.load(open("saved.toml", "rb"))["data"]["user_points"]
before = min(pts[-3][0], pts[-2][0])  # the simultaneous taps' left one, at the same window place
print(pts[-1][0] < before - 0.2, round(before, 3), round(pts[-1][0], 3))
PY
)"
case "$panned" in True*) ;; *) fail "a two-finger pan did not move the view (x before, after: $panned)" ;; esac
quit_app "after the touches"
grep -q ", 1 training steps" app.log || fail "a tap on the Step button did not step once: $(grep 'frames in' app.log)"
grep -q "TUIO on port $port: 1[0-9] touches" app.log || fail "the report does not count the touches: $(grep 'frames in' app.log)"
# The window also selected the screen's own touches (XInput 2.2; Xvfb has the extension but no
# touch device, so none came), and mouse clicks and keys still reached it above.
grep -q "XInput 2\.[2-9] touch: 0 events" app.log || fail "the window did not select XInput 2.2 touch events: $(grep 'frames in\|XInput' app.log)"
echo "tuio window: passed ($(sed -n 's/.*; TUIO/TUIO/p' app.log))"
