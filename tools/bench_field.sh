#!/usr/bin/env bash
# The field-engine table: the four networks of the benchmark at 256x256 and 1920x1080, each a
# JSON line from `nnlive bench field --numpy` (both shader kernels, per pixel and tiled, and the
# unspecialised per-pixel one; the CPU GEMM, the one-thread reference and NumPy on OpenBLAS, all
# in the same run). At 1920x1080 the shader and the one-thread reference are left out for the
# two widest networks (minutes per repetition on lavapipe); pass --all to keep them, as on a
# GPU, which also adds 2-256x4-1 at 3840x2160 (the goal: inside a 60 Hz frame). Where the device
# offers fp16 cooperative matrices each line also times the fp16 kernel (fp16x3_*, fp16_*).
# Usage: bash tools/bench_field.sh [path/to/nnlive] [--all]
set -euo pipefail
bin="${1:-build/src/app/nnlive}"
all="${2:-}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
nets=("24,24 tanh" "64,64,64 relu" "256,256,256,256 relu" "512,512 relu")
for size in 256x256 1920x1080; do
  for net in "${nets[@]}"; do
    read -r hidden act <<<"$net"
    skip=()
    if [ "$size" = 1920x1080 ] && [ "$all" != "--all" ] && { [ "$hidden" = 256,256,256,256 ] || [ "$hidden" = 512,512 ]; }; then
      skip=(--skip shader,reference)
    fi
    "$bin" bench field --hidden "$hidden" --activation "$act" --size "$size" --reps 3 --numpy "${skip[@]}"
  done
done
if [ "$all" = "--all" ]; then
  "$bin" bench field --hidden 256,256,256,256 --activation relu --size 3840x2160 --reps 3 --skip reference
fi
