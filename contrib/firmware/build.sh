#!/usr/bin/env bash
# Rebuild the test firmware (blinky for F103, F407, H753) from src/ and ld/.
#
#   contrib/firmware/build.sh [OUTDIR]     (default: this directory)
#
# The build is reproducible: the same toolchain (Debian gcc-arm-none-eabi 12.2) gives
# the same bytes every time, from any checkout path. Source paths in the debug info are
# mapped to contrib/firmware/..., so GDB started at the repository root finds them;
# no system header is read; objcopy runs beside its output so no directory name
# reaches the S-record header.
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

CC="${CROSS_COMPILE:-arm-none-eabi-}gcc"
OBJCOPY="${CROSS_COMPILE:-arm-none-eabi-}objcopy"

cflags=(
	-std=c11 -O1 -g -Wall -Wextra -Werror
	-mthumb -mfloat-abi=soft
	-ffreestanding -fno-common -ffunction-sections -fdata-sections
	# a copy/zero loop must stay a loop: there is no memcpy/memset to call
	-fno-tree-loop-distribute-patterns
	-ffile-prefix-map="$here"=contrib/firmware
)
ldflags=(-nostdlib -Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments)

cd "$here"
for spec in f103:cortex-m3 f407:cortex-m4 h753:cortex-m7; do
	board="${spec%%:*}"
	cpu="${spec#*:}"
	name="blinky-$board"
	objs=()
	for src in src/startup.c src/blinky.c "src/board_$board.c"; do
		obj="$work/$board-$(basename "$src" .c).o"
		"$CC" "${cflags[@]}" -mcpu="$cpu" -Isrc -c "$src" -o "$obj"
		objs+=("$obj")
	done
	"$CC" -mcpu="$cpu" -mthumb "${ldflags[@]}" -Lld -T "ld/$board.ld" "${objs[@]}" \
		-o "$work/$name.elf"
	(
		cd "$work"
		"$OBJCOPY" -O binary "$name.elf" "$name.bin"
		"$OBJCOPY" -O ihex "$name.elf" "$name.hex"
		"$OBJCOPY" -O srec "$name.elf" "$name.s19"
	)
	for ext in elf bin hex s19; do
		install -m 644 "$work/$name.$ext" "$out/$name.$ext"
	done
	echo "built $out/$name.{elf,bin,hex,s19} ($(stat -c %s "$out/$name.bin") bytes of flash)"
done
