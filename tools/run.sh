#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and run nnlive's main job.
# Extra arguments go to nnlive (for example: bash tools/run.sh train --preset xor).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/tools/build.sh"
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  export XDG_RUNTIME_DIR
fi
if [ $# -eq 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  # No display to open the live window on: train the default experiment and draw its picture.
  echo "run: no display; writing the trained spiral preset's picture to nnlive-spiral.png instead of opening the window" >&2
  exec "$root/build/src/app/nnlive" render --preset spiral --size 1920x1080 --out nnlive-spiral.png
fi
exec "$root/build/src/app/nnlive" "$@"
