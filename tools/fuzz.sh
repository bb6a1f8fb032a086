#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/, clang with ASan and UBSan) into build-fuzz/ and runs
# each for SECONDS (default 20), starting from the seeds in fuzz/corpus/ (nnlive's own
# outputs). CI runs it briefly; a long run is `bash tools/fuzz.sh 3600`. New inputs go to
# build-fuzz/corpus/NAME (the committed seeds are not touched); a finding is saved as
# build-fuzz/findings/NAME-crash-* and the script exits 1.
# Usage: bash tools/fuzz.sh [SECONDS] [NAME...]   (names: config csv weights lesson cli)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
shift || true
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(config csv weights lesson cli)
bash "$root/tools/setup.sh"
out="$root/build-fuzz"
CC=clang-15 CXX=clang++-15 cmake -S "$root" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNNLIVE_FUZZ=ON >/dev/null
cmake --build "$out" --parallel "$(nproc)" --target $(printf 'fuzz_%s ' "${names[@]}")
mkdir -p "$out/findings"
status=0
for name in "${names[@]}"; do
  mkdir -p "$out/corpus/$name"
  log="$out/fuzz_$name.log"
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
     "$out/fuzz/fuzz_$name" -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=3072 \
     -artifact_prefix="$out/findings/$name-" -print_final_stats=1 \
     "$out/corpus/$name" "$root/fuzz/corpus/$name" >"$log" 2>&1; then
    runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "fuzz: $name: ${runs:-?} executions in ${seconds} s, no finding"
  else
    echo "fuzz: $name: FINDING (see $log and $out/findings/)" >&2
    tail -n 40 "$log" >&2
    status=1
  fi
done
exit $status
