#!/usr/bin/env bash
# The live window under Xvfb with real X input (xdotool, XTest): a window appears, clicks on the
# field add points, Ctrl+S saves them and `train --config` reads them back, resize and
# unmap/map (minimize without a window manager) survive, P writes a screenshot that is not
# blank, the step-through view and presentation mode draw, ← steps back exactly one step, V
# records a video whose frame count matches the app's report, Ctrl+Q exits with code 0, and the
# validation layer reports nothing.
set -euo pipefail
bin="$1"
source "$(dirname "${BASH_SOURCE[0]}")/xvfb_session.sh"

NNLIVE_VALIDATION=1 "$bin" run --preset xor --paused --save-path saved.toml >app.log 2>&1 &
app_pid=$!
wid="$(timeout 60 xdotool search --sync --classname '^nnlive$' | head -1)" || fail "no window with class nnlive appeared"
[ -n "$wid" ] || fail "no window"
[ "$(xdotool getwindowname "$wid")" = "nnlive" ] || fail "the window title is not nnlive"
sleep 3
xdotool windowfocus --sync "$wid" 2>/dev/null || true

# Two points: a left click (class 1) and a right click (class 0) on the field, apart in time
# so they are not a double-click.
xdotool mousemove --window "$wid" 600 200 click 1
sleep 1
xdotool mousemove --window "$wid" 700 300 click 3
sleep 1.5
xdotool key ctrl+s
for _ in $(seq 50); do [ -s saved.toml ] && break; sleep 0.1; done
[ -s saved.toml ] || fail "Ctrl+S wrote nothing"
count="$("$bin" train --config saved.toml --epochs 1 | tail -1 | sed -n 's/.*"user_points":\([0-9]*\).*/\1/p')"
[ "$count" = "2" ] || fail "expected 2 user points in saved.toml, train reports '$count'"

# Resize, then unmap and map again (what minimizing does without a window manager).
xdotool windowsize "$wid" 900 600
sleep 2
xdotool windowunmap "$wid"
sleep 1
xdotool windowmap "$wid"
sleep 2
kill -0 "$app_pid" 2>/dev/null || fail "the app died after resize/unmap"
xdotool windowsize "$wid" 1280 720
sleep 2

# Screenshots: the app's own (P) and the X server's; neither is blank.
xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool key p
for _ in $(seq 50); do ls nnlive-*.png >/dev/null 2>&1 && break; sleep 0.1; done
shot="$(ls nnlive-*.png 2>/dev/null | head -1)"
[ -n "$shot" ] || fail "P wrote no screenshot"
[ "$(stat -c %s "$shot")" -gt 30000 ] || fail "the screenshot $shot is nearly empty"
ffmpeg -v error -y -f x11grab -video_size 1280x720 -i "$display" -frames:v 1 screen.png
[ "$(stat -c %s screen.png)" -gt 30000 ] || fail "the screen is nearly blank"

# The step-through view, a click on the diagram, presentation mode (H) and back.
xdotool key i
sleep 1.5
xdotool mousemove --window "$wid" 1030 200 click 1
sleep 1
xdotool key h
sleep 1.5
ffmpeg -v error -y -f x11grab -video_size 1280x720 -i "$display" -frames:v 1 present.png
[ "$(stat -c %s present.png)" -gt 30000 ] || fail "presentation mode is nearly blank"
xdotool key h i
sleep 1

# Three steps forward and one back, with the data and weights window (D) open (its weight
# trace and update log follow the step back): the session's report counts 2 training steps.
xdotool key d
sleep 1.5
xdotool key s s s
sleep 1
xdotool key Left
sleep 1
ffmpeg -v error -y -f x11grab -video_size 1280x720 -i "$display" -frames:v 1 inspector.png
[ "$(stat -c %s inspector.png)" -gt 30000 ] || fail "the data and weights window left the screen nearly blank"
xdotool key d
sleep 1

# Record a few frames (offscreen, lock-step) and stop.
xdotool key v
sleep 4
xdotool key v
# (a busy machine: V pressed again before the first frame stops after it)
for _ in $(seq 600); do grep -q "recorded [0-9]* frames to" app.log && break; sleep 0.1; done
line="$(grep -o 'recorded [0-9]* frames to [^ ]*' app.log)" || fail "V did not record"
frames="$(echo "$line" | awk '{print $2}')"
video="$(echo "$line" | awk '{print $5}')"
[ "$frames" -ge 1 ] || fail "the recording has no frames"
probed="$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames,width,height -of csv=p=0 "$video")"
[ "$probed" = "1920,1080,$frames" ] || fail "the video $video is '$probed', expected 1920,1080,$frames"

quit_app
grep -q ", 2 training steps" app.log || fail "expected 2 training steps (3 forward, 1 back) in the session report"

# A preset digit once does not lose a run that has trained; the same digit twice switches.
NNLIVE_VALIDATION=1 "$bin" run --preset xor --paused --save-path digits.toml >app.log 2>&1 &
app_pid=$!
wid="$(timeout 60 xdotool search --sync --classname '^nnlive$' | head -1)" || fail "no window for the digit test"
xdotool windowfocus --sync "$wid" 2>/dev/null || true
sleep 2
xdotool key s
sleep 1
xdotool key 3
sleep 0.5
xdotool key ctrl+s
for _ in $(seq 50); do [ -s digits.toml ] && break; sleep 0.1; done
grep -q "^name = 'xor'" digits.toml || fail "one press of 3 switched the preset: $(grep '^name' digits.toml)"
grep -q "press 3 again to switch to too-hot" app.log || fail "no message asking for a second press"
rm -f digits.toml
xdotool key 3 3
sleep 1
xdotool key ctrl+s
for _ in $(seq 50); do [ -s digits.toml ] && break; sleep 0.1; done
grep -q "^name = 'too-hot'" digits.toml || fail "3 pressed twice did not switch to too-hot: $(grep '^name' digits.toml)"
quit_app "digit test"

# Ctrl-C (SIGINT) closes the window as its close button would, with exit code 6.
NNLIVE_VALIDATION=1 "$bin" run --preset spiral >app.log 2>&1 &
app_pid=$!
timeout 60 xdotool search --sync --classname '^nnlive$' >/dev/null || fail "no window for the Ctrl-C test"
sleep 2
kill -INT "$app_pid"
code=0
wait "$app_pid" || code=$?
app_pid=""
[ "$code" = "6" ] || fail "SIGINT: exit code $code, expected 6"
grep -q "frames in" app.log || fail "SIGINT: the window did not close cleanly (no session report)"
echo "live window test passed"
