#!/bin/sh
# make-iso.sh GRUB_MKRESCUE OUTPUT KERNEL_ELF GRUB_CFG WORK_DIR [MODULE...]
# Builds a GRUB rescue ISO (BIOS; EFI too when GRUB's EFI files are installed) holding
# /boot/kernel.elf and /boot/grub/grub.cfg.
set -eu
mkrescue=$1 output=$2 kernel=$3 cfg=$4 work=$5
rm -rf "$work/iso"
mkdir -p "$work/iso/boot/grub"
cp "$kernel" "$work/iso/boot/kernel.elf"
cp "$cfg" "$work/iso/boot/grub/grub.cfg"
"$mkrescue" -o "$output" "$work/iso" >"$work/grub-mkrescue.log" 2>&1 || {
    cat "$work/grub-mkrescue.log" >&2
    exit 1
}
