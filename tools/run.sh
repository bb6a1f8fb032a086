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
exec "$root/build/src/app/nnlive" "$@"
