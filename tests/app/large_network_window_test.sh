#!/usr/bin/env bash
# A wide, deep network in the live window (spiral, 4 hidden layers of 256): the window keeps
# presenting frames while the field is evaluated on its own thread (the session report counts
# the frames presented while the field was still refining), the field view alone does too, and
# Ctrl+Q ends the app at once, in the middle of whatever the field engine is doing; with either
# field engine.
set -euo pipefail
bin="$1"
source "$(dirname "${BASH_SOURCE[0]}")/xvfb_session.sh"

# Both field engines (the CPU one is lavapipe's own choice; the shader one is what a GPU gets).
for run in "full cpu" "field cpu" "full shader"; do
  read -r layout engine <<<"$run"
  NNLIVE_VALIDATION=1 NNLIVE_FIELD_ENGINE="$engine" "$bin" run --preset spiral --hidden 256,256,256,256 --layout "$layout" >app.log 2>&1 &
  app_pid=$!
  timeout 60 xdotool search --sync --onlyvisible --classname '^nnlive$' >/dev/null || fail "no window appeared ($layout, $engine)"
  sleep 8
  t0=$(date +%s%N)
  quit_app "$layout layout, $engine engine"
  ms=$((($(date +%s%N) - t0) / 1000000))
  read_report "$layout, $engine"
  echo "$layout, $engine: $report; Ctrl+Q took $ms ms"
  [ "$frames" -ge 3 ] || fail "only $frames frames in 8 s ($layout, $engine)"
  [ "$refining" -ge 1 ] || fail "no frame was presented while the field was refining ($layout, $engine)"
  # Generous for a loaded 2-core machine: before the field had its own thread, a frame of this
  # network took 144 s and Ctrl+Q waited for it.
  [ "$ms" -le 10000 ] || fail "Ctrl+Q took $ms ms ($layout, $engine)"
done
echo "large network window: passed"
