#!/usr/bin/env bash
# The Debian package, built with CPack from this build tree: its control fields declare what the
# binary needs at run time, it holds the binary, desktop entry, icon, exhibit unit and docs, the
# entry and unit are valid, the unit's command line is one nnlive accepts, and the packaged binary
# runs. (tools/check_deb.sh installs it on a fresh Debian 12 chroot; that needs the mirror.)
set -euo pipefail
build="$1"
version="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack failed"; }
deb="$work/out/nnlive_${version}_amd64.deb"
[ -f "$deb" ] || fail "no $deb (got: $(ls "$work/out"))"
[ "$(dpkg-deb -f "$deb" Package)" = nnlive ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "version is not $version"
depends="$(dpkg-deb -f "$deb" Depends)"
for d in "mesa-vulkan-drivers | vulkan-icd" fonts-dejavu-core libvulkan1 libglfw3 libopenblas0 libsystemd0 libtomlplusplus3 libstdc++6; do
  grep -qF "$d" <<<"$depends" || fail "Depends lacks $d: $depends"
done
[ "$(dpkg-deb -f "$deb" Recommends)" = ffmpeg ] || fail "ffmpeg should be recommended (record)"
dpkg-deb -c "$deb" >"$work/contents"
for f in ./usr/bin/nnlive ./usr/share/applications/nnlive.desktop ./usr/share/icons/hicolor/scalable/apps/nnlive.svg \
         ./usr/lib/systemd/user/nnlive-exhibit.service ./usr/share/doc/nnlive/README.md ./usr/share/doc/nnlive/copyright; do
  grep -q " $f\$" "$work/contents" || fail "the package lacks $f"
done
dpkg-deb -x "$deb" "$work/root"
desktop-file-validate "$work/root/usr/share/applications/nnlive.desktop" || fail "invalid desktop entry"
bin="$work/root/usr/bin/nnlive"
# The unit, with ExecStart pointed at the extracted binary: systemd reads it without a complaint.
unit="$work/nnlive-exhibit.service"
sed "s|/usr/bin/nnlive|$bin|" "$work/root/usr/lib/systemd/user/nnlive-exhibit.service" >"$unit"
complaints="$(systemd-analyze verify "$unit" 2>&1 | grep -v "RuntimeDirectory\|Failed to initialize manager" || true)"
[ -z "$complaints" ] || fail "systemd-analyze verify: $complaints"
grep -q "^Type=notify" "$unit" && grep -q "^WatchdogSec=" "$unit" && grep -q "^Restart=on-failure" "$unit" || fail "the unit lacks notify, watchdog or restart"
# Its command line parses: without a display it can only fail to open the window (5), never
# with a usage (2) or input (3) error.
args="$(sed -n 's|^ExecStart=[^ ]* ||p' "$unit")"
code=0
env -u DISPLAY -u WAYLAND_DISPLAY XDG_RUNTIME_DIR="$work" "$bin" $args --quit-after 1 >"$work/unit.log" 2>&1 || code=$?
[ "$code" = 0 ] || [ "$code" = 5 ] || fail "the unit's command line ($args) exited with $code: $(cat "$work/unit.log")"
"$bin" train --preset xor --epochs 50 >/dev/null || fail "the packaged binary does not train"
"$bin" lessons | grep -q spiral-story || fail "the packaged binary lacks the built-in lessons"
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes; Depends: $depends"
