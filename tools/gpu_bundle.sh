#!/usr/bin/env bash
# A self-contained bundle for timing and checking the field kernels on another Linux machine
# with a GPU and its driver but none of nnlive's Debian packages (a rented GPU box, a lab PC):
# nnlive and nnlive_tests (stripped), every shared library they load except glibc's, the C++
# runtime's and the Vulkan loader's (the GPU machine brings those), vulkaninfo, and the Khronos
# validation layer with its manifest. Build first (tools/build.sh).
#
#   bash tools/gpu_bundle.sh [OUT.tar.xz]     here: packs build/ (default build/gpu-bundle.tar.xz)
#   bash gpu-bundle/run.sh RESULTS_DIR [quick] there, after `tar -xJf`: runs the checks below
#
# run.sh writes to RESULTS_DIR: vulkaninfo.txt (the device), precision.txt (the fp16 kernels
# against their CPU reference on the device's tensor cores, validation on: both ways of
# multiplying, direct and staged), bench.jsonl (`bench field` of the benchmark's networks at
# 256x256, 1920x1080 and 3840x2160 with the fp32, fp16x3 and fp16 kernels, direct and staged,
# the same at 3840x2160 with at most 16, 32 and 48 pixels per workgroup (--fp16-rows), and
# stills.* (spiral at 128x3, fp32 / fp16x3 / fp16, to compare by eye): 7 files.
# `quick`: the bench at 1920x1080 and 3840x2160 for 2-256x4-1 and 2-64x3-1 only.
# The Vulkan loader must be installed there (libvulkan1); if no device is found, point
# VK_DRIVER_FILES at the driver's ICD manifest.
set -euo pipefail
out="${1:-build/gpu-bundle.tar.xz}"
build="${BUILD_DIR:-build}"
for f in "$build/src/app/nnlive" "$build/tests/nnlive_tests"; do
  [ -x "$f" ] || { echo "gpu_bundle.sh: $f is missing; build first (tools/build.sh)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dir="$work/gpu-bundle"
mkdir -p "$dir/bin" "$dir/lib" "$dir/layers"
cp "$build/src/app/nnlive" "$build/tests/nnlive_tests" "$dir/bin/"
command -v vulkaninfo >/dev/null && cp "$(command -v vulkaninfo)" "$dir/bin/"
strip "$dir/bin/"*
# Libraries: all that the binaries resolve here, less the ones every Linux (or the driver) has.
skip='^(libc|libm|libpthread|libdl|librt|ld-linux-x86-64|libstdc\+\+|libgcc_s|libvulkan|linux-vdso)\.'
for b in "$dir/bin/"*; do
  ldd "$b" | awk '/=> \//{print $3}'
done | sort -u | while read -r lib; do
  base=$(basename "$lib")
  [[ "$base" =~ $skip ]] || cp -L "$lib" "$dir/lib/"
done
layer_json=/usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json
if [ -f "$layer_json" ]; then
  layer_so=$(sed -n 's/.*"library_path": *"\([^"]*\)".*/\1/p' "$layer_json")
  [ -f "$layer_so" ] || layer_so=$(ldconfig -p | awk -v n="$(basename "$layer_so")" '$1 == n {print $NF; exit}')
  cp -L "$layer_so" "$dir/layers/"
  sed "s|\"library_path\": *\"[^\"]*\"|\"library_path\": \"./$(basename "$layer_so")\"|" "$layer_json" >"$dir/layers/VkLayer_khronos_validation.json"
fi
cat >"$dir/run.sh" <<'EOF'
#!/usr/bin/env bash
# The checks of tools/gpu_bundle.sh, on the machine with the GPU.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
res="${1:?usage: run.sh RESULTS_DIR [quick]}"
mode="${2:-}"
mkdir -p "$res"
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" VK_LAYER_PATH="$here/layers"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
nn="$here/bin/nnlive"
"$here/bin/vulkaninfo" --summary >"$res/vulkaninfo.txt" 2>&1 || true
grep -m3 -E "deviceName|driverInfo" "$res/vulkaninfo.txt" || true
NNLIVE_VALIDATION=1 timeout 300 "$here/bin/nnlive_tests" --gtest_filter='GpuField*' >"$res/precision.txt" 2>&1
echo "precision test: exit $? (precision.txt)"
bench() { timeout 200 "$nn" bench field --reps 5 --skip others,gemm,reference "$@" | tee -a "$res/bench.jsonl"; }
if [ "$mode" = quick ]; then
  bench --hidden 64,64,64 --activation relu --size 1920x1080
  bench --hidden 256,256,256,256 --activation relu --size 1920x1080
  bench --hidden 256,256,256,256 --activation relu --size 3840x2160
else
  for size in 256x256 1920x1080; do
    for net in "24,24 tanh" "64,64,64 relu" "256,256,256,256 relu" "512,512 relu"; do
      read -r hidden act <<<"$net"
      bench --hidden "$hidden" --activation "$act" --size "$size"
    done
  done
  bench --hidden 256,256,256,256 --activation relu --size 3840x2160
  for rows in 16 32 48; do  # fewer pixels per workgroup than fit: less shared memory, more workgroups an SM
    bench --hidden 256,256,256,256 --activation relu --size 3840x2160 --fp16-rows "$rows"
  done
  for p in fp32 fp16x3 fp16; do
    for preset in spiral; do
      timeout 120 "$nn" render --preset "$preset" --hidden 128,128,128 --epochs 100 --size 1280x720 \
        --field-precision "$p" --out "$res/stills.$preset.$p.png" >/dev/null 2>>"$res/stills.log" || echo "render $preset $p failed"
    done
  done
fi
EOF
chmod +x "$dir/run.sh"
mkdir -p "$(dirname "$out")"
tar -C "$work" -cJf "$out.tmp" gpu-bundle
mv "$out.tmp" "$out"
echo "$out: $(du -h "$out" | cut -f1)"
