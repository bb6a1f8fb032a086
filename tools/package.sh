#!/usr/bin/env bash
# Builds the Debian package: build/package/nnlive_<version>_amd64.deb (installs what is missing
# and builds first). Install it with: sudo apt install ./build/package/nnlive_*_amd64.deb
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/tools/build.sh"
cd "$root/build"
rm -f package/nnlive_*.deb
cpack -G DEB >cpack.log 2>&1 || { cat cpack.log >&2; echo "package: cpack failed" >&2; exit 1; }
ls package/nnlive_*.deb
