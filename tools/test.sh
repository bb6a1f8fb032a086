#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, and run the whole test suite.
# GPU tests run on whatever Vulkan device there is (Mesa's lavapipe on a machine without a GPU)
# with the validation layer on; any validation message fails them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/tools/build.sh"
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  export XDG_RUNTIME_DIR
fi
export NNLIVE_VALIDATION=1
(cd "$root/build" && ctest --output-on-failure --parallel "$(nproc)" --timeout 600)
# The parsers under libFuzzer with ASan and UBSan, briefly (a long run: tools/fuzz.sh 3600).
bash "$root/tools/fuzz.sh" "${NNLIVE_FUZZ_SECONDS:-20}"
