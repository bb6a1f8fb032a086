#!/usr/bin/env bash
# Installs the Debian package on a fresh Debian 12 (a minimal debootstrap chroot) and runs it
# there: `train`, `render` on Mesa's lavapipe, and the live window under Xvfb. Needs root,
# debootstrap and the Debian mirror; not part of CI (it downloads a system). Usage:
#   bash tools/check_deb.sh [build/package/nnlive_VERSION_amd64.deb] [CHROOT_DIR]
# A CHROOT_DIR that already holds a bare debootstrap is reused (the package is purged first).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deb="${1:-$(ls "$root"/build/package/nnlive_*_amd64.deb | tail -n 1)}"
dir="${2:-/tmp/nnlive-deb12}"
[ "$(id -u)" = 0 ] || { echo "check_deb: needs root (chroot)" >&2; exit 1; }
[ -f "$deb" ] || { echo "check_deb: no package at $deb (bash tools/package.sh builds it)" >&2; exit 1; }
if [ ! -x "$dir/usr/bin/apt-get" ]; then
  echo "check_deb: debootstrap bookworm into $dir"
  debootstrap --variant=minbase bookworm "$dir" http://deb.debian.org/debian >"$dir.debootstrap.log" 2>&1 ||
    { tail "$dir.debootstrap.log" >&2; exit 1; }
fi
cp /etc/resolv.conf "$dir/etc/resolv.conf"
mountpoint -q "$dir/proc" || mount -t proc proc "$dir/proc"
trap 'umount "$dir/proc" 2>/dev/null || true' EXIT
in_root() { chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive "$@"; }
in_root apt-get purge -y -qq nnlive >/dev/null 2>&1 || true
cp "$deb" "$dir/root/nnlive.deb"
in_root apt-get update -qq
echo "check_deb: apt install ./nnlive.deb"
in_root apt-get install -y -qq /root/nnlive.deb >"$dir/root/install.log" 2>&1 || { tail -20 "$dir/root/install.log" >&2; exit 1; }
echo "check_deb: installed $(in_root dpkg-query -W -f='${Package} ${Version}, ${Installed-Size} kB' nnlive), with $(grep -c '^Setting up' "$dir/root/install.log") packages set up"
in_root nnlive --help >/dev/null
in_root nnlive presets | head -n 3
in_root nnlive train --preset xor --epochs 300 | tail -n 1
rm -f "$dir/root/xor.png"
in_root env XDG_RUNTIME_DIR=/tmp nnlive render --preset xor --size 640x360 --out /root/xor.png
head -c 8 "$dir/root/xor.png" | od -An -c | grep -q "P   N   G" || { echo "check_deb: render wrote no PNG" >&2; exit 1; }
echo "check_deb: render wrote a $(stat -c %s "$dir/root/xor.png")-byte PNG"
# The live window, from the package, under a virtual X server.
in_root apt-get install -y -qq --no-install-recommends xvfb xauth >/dev/null 2>&1
in_root /bin/sh -c 'export XDG_RUNTIME_DIR=/tmp; Xvfb :77 -screen 0 1280x720x24 >/dev/null 2>&1 & x=$!; sleep 2;
  DISPLAY=:77 nnlive run --preset xor --quit-after 8; rc=$?; kill $x; exit $rc' | tail -n 1
for f in /usr/share/applications/nnlive.desktop /usr/share/icons/hicolor/scalable/apps/nnlive.svg /usr/lib/systemd/user/nnlive-exhibit.service; do
  [ -f "$dir$f" ] || { echo "check_deb: $f is missing" >&2; exit 1; }
done
echo "check_deb: passed on a fresh Debian 12 in $dir"
