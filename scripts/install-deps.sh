#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, and nothing that is already there.
# Idempotent: both README commands (./redox-sim and ./run-tests) call it before building.
set -euo pipefail

packages=(
  build-essential g++ meson ninja-build pkg-config
  libboost-context-dev libspdlog-dev libfmt-dev doctest-dev libcli11-dev
  libxxhash-dev  # RedoxFS block checksums (XXH3)
  python3
  libfuse3-dev fuse3 fio stress-ng  # the FUSE bridge (redox-sim --mount) and its tests (fio, stress-ng)
  qemu-system-x86 grub-pc-bin grub-common xorriso mtools  # the bare-metal target and its tests
  clang-14 libclang-rt-14-dev  # tests/fuzz/run-fuzz.sh (clang++ -fsanitize=fuzzer)
  libsdl2-dev  # orbital_sdl: the Orbital desktop in an SDL2 window
  libstb-dev  # stb_image_write: the screenshot app writes PNG
  xvfb xdotool x11-apps  # the desktop's end-to-end test: a virtual X server, real X input, xwd screenshots
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
