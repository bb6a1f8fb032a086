#!/usr/bin/env bash
# Approves new golden images for tests/render: copies build/tests/golden_out/NAME.actual.png to
# tests/golden/NAME.png. Look at every actual image (and its .diff.png) before approving.
# Usage: bash tools/approve_goldens.sh [NAME...]   (no names: every actual image)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/build/tests/golden_out"
[ -d "$out" ] || { echo "no $out: run the tests first (bash tools/test.sh)" >&2; exit 1; }
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$out"/*.actual.png; do [ -e "$f" ] && names+=("$(basename "$f" .actual.png)"); done
fi
[ ${#names[@]} -gt 0 ] || { echo "nothing to approve: every golden image matched" >&2; exit 0; }
for n in "${names[@]}"; do
  src="$out/$n.actual.png"
  [ -f "$src" ] || { echo "no $src" >&2; exit 1; }
  cp "$src" "$root/tests/golden/$n.png"
  rm -f "$src" "$out/$n.diff.png"
  echo "approved tests/golden/$n.png"
done
