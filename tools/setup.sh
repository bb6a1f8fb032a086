#!/usr/bin/env bash
# Installs the Debian 12 packages nnlive needs to build, test and run. Idempotent: when every
# package is present it only checks and returns (well under a second).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers vulkan-tools glslc
  libglfw3-dev libglm-dev libgtest-dev libxi-dev libxrandr-dev
  libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libstb-dev libeigen3-dev libopenblas-dev python3-numpy libsystemd-dev liblo-dev desktop-file-utils
  fonts-dejavu-core ffmpeg
  libimgui-dev xvfb xauth xdotool
  clang-15 libfuzzer-15-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install packages" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
