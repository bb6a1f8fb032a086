#!/usr/bin/env bash
# Lessons in the live window under Xvfb: every built-in lesson plays through unattended (--auto,
# captions shortened, full speed) and starts over at its end; a lesson driven by keys goes
# forward with → and PageDown, back with ← (replayed to the step's start), and a tap on the
# caption band is "next". The validation layer must report nothing; Ctrl+Q exits with code 0.
set -euo pipefail
bin="$1"
source "$(dirname "${BASH_SOURCE[0]}")/xvfb_session.sh"

quit_and_check() {
  local wid="$1" what="$2"
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
  quit_app "$what"
  if grep -qi "validation" app.log; then fail "$what: validation messages"; fi
}

# Every built-in lesson, unattended, to its end and round to its first step again.
for lesson in $("$bin" lessons | awk '{print $1}'); do
  steps="$("$bin" lessons | awk -v l="$lesson" '$1 == l {print $(NF-1)}' | tr -d '(')"
  NNLIVE_VALIDATION=1 "$bin" lesson "$lesson" --auto --caption-seconds 0.3 --speed 0 --quit-after 170 >app.log 2>&1 &
  app_pid=$!
  wid="$(timeout 60 xdotool search --sync --classname '^nnlive$' | head -1)" || fail "$lesson: no window"
  for _ in $(seq 1600); do
    grep -q "step $steps of $steps" app.log && [ "$(grep -c "step 1 of $steps" app.log)" -ge 2 ] && break
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.1
  done
  for k in $(seq 1 "$steps"); do grep -q "step $k of $steps" app.log || fail "$lesson: step $k of $steps never came"; done
  [ "$(grep -c "step 1 of $steps" app.log)" -ge 2 ] || fail "$lesson: --auto did not start over at the end"
  ffmpeg -v error -y -f x11grab -video_size 1280x720 -i "$display" -frames:v 1 "shot-$lesson.png"
  [ "$(stat -c %s "shot-$lesson.png")" -gt 30000 ] || fail "$lesson: the screen is nearly blank"
  quit_and_check "$wid" "$lesson"
  echo "lesson $lesson: $steps steps played through"
done

# Keys and taps: → and PageDown go on, ← goes back, a tap on the caption band goes on.
NNLIVE_VALIDATION=1 "$bin" lesson training-loop --speed 0 --present >app.log 2>&1 &
app_pid=$!
wid="$(timeout 60 xdotool search --sync --classname '^nnlive$' | head -1)" || fail "keys: no window"
xdotool windowfocus --sync "$wid" 2>/dev/null || true
sleep 2
# Each key is answered within 10 s, however loaded the machine is (ctest runs tests side by side).
log_count() { grep -c "$1" app.log || true; }
wait_count() {  # PATTERN COUNT MESSAGE
  for _ in $(seq 100); do [ "$(log_count "$1")" -ge "$2" ] && return 0; sleep 0.1; done
  fail "$3"
}
xdotool key Right
wait_count "step 2 of 7" 1 "→ did not go to step 2"
xdotool key Next
wait_count "step 3 of 7" 1 "PageDown did not go to step 3"
xdotool key Left
wait_count "back to step 2" 1 "← did not go back to step 2"
xdotool mousemove --window "$wid" 640 700 click 1
wait_count "step 3 of 7" 2 "a tap on the caption band did not go on"
quit_and_check "$wid" "keys"
echo "lesson window test passed"
