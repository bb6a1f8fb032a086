#!/usr/bin/env bash
# The test suite under sanitizers, in its own build folder:
#   bash tools/sanitize.sh asan   AddressSanitizer + UBSan (leaks too), every test   -> build-asan/
#   bash tools/sanitize.sh tsan   ThreadSanitizer: the threaded parts (the live trainer thread
#                                 and its mailboxes, the writer thread, recording, the window) -> build-tsan/
# Extra arguments go to ctest (such as -R LiveTrainer). Leaks and races inside the Vulkan
# driver and loader, which are not instrumented, are suppressed (tools/sanitizers/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:-asan}"
shift || true
case "$kind" in
  asan) flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
        select=() ;;
  tsan) flags="-fsanitize=thread"
        select=(-R 'LiveTrainer|QueuedWriter|PngFolderSink|Cli\.Record|Cli\.Interrupted|LiveWindow|Lesson') ;;
  *) echo "usage: tools/sanitize.sh asan|tsan [ctest args...]" >&2; exit 2 ;;
esac
bash "$root/tools/setup.sh"
out="$root/build-$kind"
cmake -S "$root" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$out" --parallel "$(nproc)"
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  export XDG_RUNTIME_DIR
fi
export NNLIVE_VALIDATION=1
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0"
export LSAN_OPTIONS="suppressions=$root/tools/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="suppressions=$root/tools/sanitizers/tsan.supp:halt_on_error=1:second_deadlock_stack=1"
cd "$out"
[ $# -gt 0 ] && select=("$@")
ctest --output-on-failure --parallel "$(nproc)" --timeout 1200 "${select[@]}"
