#!/usr/bin/env bash
# `nnlive exhibit` under Xvfb, as visitors and an operator would use it:
#  1. it fills the screen and plays the attract loop;
#  2. a storm of taps, drags, scrolls and every key that leaves other programs (Esc, Ctrl+Q,
#     Alt+F4, F11, Ctrl+W, H, D, digits), and the window manager's close request, leave it
#     running, full screen, with a visitor in charge;
#  3. left alone for --idle seconds it goes back to the attract loop;
#  4. a long press on the top-right corner opens the PIN keypad: a wrong PIN is refused, the
#     right one opens the operator menu, Esc closes it;
#  5. the operator chord (Ctrl+Alt+O held 2 s) opens the menu and Q quits with code 0;
#  6. in a fresh exhibit, 50 rapid taps at distinct places on the field add 50 points.
# Validation is on throughout.
set -euo pipefail
bin="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/xvfb_session.sh"

wait_log() {  # $1: pattern, $2: seconds; fails naming $3
  for _ in $(seq $(($2 * 10))); do grep -q "$1" app.log && return 0; sleep 0.1; done
  fail "$3 (no '$1' in the log within $2 s)"
}
full_screen() {
  local g
  g="$(xdotool getwindowgeometry "$wid" | sed -n 's/.*Geometry: //p')"
  [ "$g" = "1280x720" ] || fail "$1: the window is $g, not the whole 1280x720 screen"
}
hold_chord() {
  xdotool keydown ctrl+alt+o
  sleep 2.6
  xdotool keyup ctrl+alt+o
}

NNLIVE_VALIDATION=1 "$bin" exhibit --idle 8 --operator-pin 4321 --lessons spiral-story,xor-step-by-step >app.log 2>&1 &
app_pid=$!
wid="$(timeout 60 xdotool search --sync --onlyvisible --classname '^nnlive$' | head -1)" || fail "no window appeared"
wait_log "attract loop: The spiral story" 20 "no attract loop"
full_screen "at the start"

# 2. The storm.
keys=(Escape ctrl+q alt+F4 F11 ctrl+w h d i 1 2 9 ctrl+s ctrl+o space Right Left Page_Down super q)
RANDOM=11
end=$(($(date +%s) + 20))
while [ "$(date +%s)" -lt "$end" ]; do
  kill -0 "$app_pid" 2>/dev/null || fail "the app died during the storm"
  x=$((RANDOM % 1200 + 40)) y=$((RANDOM % 640 + 40))
  case $((RANDOM % 8)) in
    0|1|2) xdotool mousemove --window "$wid" "$x" "$y" click 1 ;;
    3) xdotool mousemove --window "$wid" "$x" "$y" mousedown 1 mousemove --window "$wid" $((RANDOM % 1200 + 40)) $((RANDOM % 640 + 40)) mouseup 1 ;;
    4) xdotool mousemove --window "$wid" "$x" "$y" click 4 click 5 ;;
    5|6) xdotool key "${keys[$((RANDOM % ${#keys[@]}))]}" ;;
    7) /usr/bin/python3 "$here/x_close_request.py" "$wid" ;;
  esac
  sleep 0.05
done
sleep 1
kill -0 "$app_pid" 2>/dev/null || fail "the storm closed the exhibit"
full_screen "after the storm"
grep -q "a visitor took over" app.log || fail "no visitor took over during the storm"

# 3. Idle: back to the attract loop (8 s, plus the frame that notices).
returns_before=$(grep -c "back to the attract loop" app.log || true)
sleep 10
[ "$(grep -c "back to the attract loop" app.log || true)" -gt "$returns_before" ] || fail "idle did not bring back the attract loop"
echo "exhibit: idle went back to the attract loop"

# 4. The PIN keypad behind a long press on the top-right corner.
xdotool mousemove --window "$wid" 1272 8 mousedown 1
sleep 3.6
xdotool mouseup 1
wait_log "PIN keypad" 5 "a long press on the corner did not open the keypad"
xdotool key 1 2 3 4 Return
wait_log "wrong PIN" 5 "a wrong PIN was not refused"
xdotool key 4 3 2 1 Return
wait_log "operator menu (PIN)" 5 "the right PIN did not open the operator menu"
xdotool key Escape
sleep 1
kill -0 "$app_pid" 2>/dev/null || fail "Esc in the operator menu closed the exhibit"

# 5. The chord, then Q.
hold_chord
wait_log "operator menu (chord)" 5 "the chord did not open the operator menu"
xdotool key q
code=0
for _ in $(seq 100); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
wait "$app_pid" || code=$?
app_pid=""
[ "$code" = 0 ] || fail "the operator's Q exited with code $code"
grep "nnlive: .* frames in" app.log | sed 's/.*; exhibit:/exhibit:/'

# 6. Fifty rapid taps on the field of a fresh exhibit, each a point.
NNLIVE_VALIDATION=1 "$bin" exhibit --lessons spiral-story >app.log 2>&1 &
app_pid=$!
wid="$(timeout 60 xdotool search --sync --onlyvisible --classname '^nnlive$' | head -1)" || fail "no window appeared (taps)"
wait_log "attract loop" 20 "no attract loop (taps)"
sleep 2
for ((i = 0; i < 50; ++i)); do
  xdotool mousemove --window "$wid" $((40 + (i % 10) * 25)) $((170 + (i / 10) * 50)) click 1
done
sleep 1.5
hold_chord
wait_log "operator menu (chord)" 5 "the chord did not open the operator menu (taps)"
xdotool key q
code=0
wait "$app_pid" || code=$?
app_pid=""
[ "$code" = 0 ] || fail "the operator's Q exited with code $code (taps)"
added="$(sed -n 's/.*exhibit: [0-9]* taps, \([0-9]*\) points added.*/\1/p' app.log)"
[ "$added" = 50 ] || fail "50 rapid taps added ${added:-no} points"
echo "exhibit: 50 rapid taps added 50 points"
echo "exhibit: passed"
