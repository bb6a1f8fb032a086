#!/usr/bin/env bash
# The test suite under sanitizers, in its own build folder:
#   bash tools/sanitize.sh asan   AddressSanitizer + UBSan (leaks too), every test   -> build-asan/
#   bash tools/sanitize.sh tsan   ThreadSanitizer: the threaded parts (the live trainer thread
#                                 and its mailboxes, the window's field thread, the writer thread,
#                                 recording) -> build-tsan/
# The window itself under ThreadSanitizer (slow; races print to the app's log, kept for reading):
#   NNLIVE_TEST_KEEP=1 TSAN_OPTIONS=suppressions=tools/sanitizers/tsan.supp:halt_on_error=0 \
#     bash tests/app/soak_test.sh build-tsan/src/app/nnlive 600 exhibit
# Extra arguments go to ctest (such as -R LiveTrainer). Races inside the Vulkan driver and
# loader, which are not instrumented, are suppressed (tools/sanitizers/). Leak checking is
# off here: the loader unloads Mesa's driver before LeakSanitizer looks, so the driver's few
# leftover bytes cannot be told apart from ours; tools/fuzz.sh checks the parsers for leaks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:-asan}"
shift || true
case "$kind" in
  asan) flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
        # Not the window tests: they wait on wall-clock time (a window at under 1 frame/s
        # misses their deadlines) and the soak measures memory, which ASan's quarantine inflates.
        select=(-E 'LiveWindow|LessonWindow|Soak') ;;
  tsan) flags="-fsanitize=thread"
        select=(-R 'LiveTrainer|ProgressiveField|QueuedWriter|PngFolderSink|Cli\.Record|Cli\.Interrupted') ;;
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
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="suppressions=$root/tools/sanitizers/tsan.supp:halt_on_error=1:second_deadlock_stack=1"
cd "$out"
[ $# -gt 0 ] && select=("$@")
ctest --output-on-failure --parallel "$(nproc)" --timeout 1200 "${select[@]}"
