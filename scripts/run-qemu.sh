#!/bin/sh
# Builds the bare-metal kernel and boots it in QEMU with the serial console on this terminal.
#
#   scripts/run-qemu.sh [--iso | --selftest] [--build-dir DIR] [--no-build] [--] [QEMU ARGS...]
#
#   (default)     boots build-baremetal/baremetal/kernel32.elf through QEMU's -kernel
#                 (Multiboot 1); kernel command line: add `-append "run=ls verbose"`
#   --iso         boots build-baremetal/baremetal/redox.iso (GRUB, Multiboot 2)
#   --selftest    boots the machine-layer self test (arch-selftest32.elf)
#   QEMU ARGS     passed through (e.g. -append "...", -m 1G, -s -S for gdb)
#
# KVM is used when /dev/kvm is usable (-enable-kvm -cpu host), software emulation otherwise
# (REDOX_QEMU_ACCEL=tcg forces it). Exit status: QEMU's; the kernel leaves through
# isa-debug-exit, so power_off(S) gives (S << 1) | 1: 1 = clean shutdown, 99 = CPU
# exception panic (0x31); 0 would mean QEMU was ended otherwise (ACPI or the monitor).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$root/build-baremetal
mode=kernel
build=1
while [ $# -gt 0 ]; do
    case $1 in
    --iso) mode=iso; shift ;;
    --selftest) mode=selftest; shift ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) break ;;
    esac
done

if [ "$build" = 1 ]; then
    if [ ! -f "$build_dir/build.ninja" ]; then
        meson setup "$build_dir" "$root" --cross-file "$root/baremetal/x86_64-baremetal.ini" >&2
    fi
    case $mode in
    kernel) targets=baremetal/kernel32.elf ;;
    iso) targets=baremetal/redox.iso ;;
    selftest) targets=baremetal/arch-selftest32.elf ;;
    esac
    ninja -C "$build_dir" $targets >&2
fi

case $mode in
kernel) boot="-kernel $build_dir/baremetal/kernel32.elf" ;;
iso) boot="-cdrom $build_dir/baremetal/redox.iso -boot d" ;;
selftest) boot="-kernel $build_dir/baremetal/arch-selftest32.elf" ;;
esac

accel="-accel tcg"
if [ "${REDOX_QEMU_ACCEL:-}" != tcg ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    accel="-enable-kvm -cpu host"
fi

# shellcheck disable=SC2086 # $boot and $accel are word lists
exec qemu-system-x86_64 $accel $boot \
    -serial stdio -display none -monitor none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -m 512M "$@"
