#!/usr/bin/env bash
# Benchmark: the desktop-grid sandbox (`visorfleet grid run`, our RV64 interpreter) against its named
# peer qemu-riscv64 (QEMU user mode, a JIT translator) and the same C compiled natively for x86-64,
# in one run. Kernels: bench/grid/kernels.c (a CoreMark-style integer mix: linked lists, integer
# matrices, a state machine, CRC; and a double-precision kernel), built here with Debian's cross
# compiler (-static -O2) and with gcc -O2.
#
# usage: bench/grid-vs-qemu.sh [ITERATIONS]      (default 40000: ~2-4 s per kernel under qemu)
#   REPS=N (default 3) runs the three in turn N times per kernel and reports medians.
#   Prints seconds per runner (wall time of the whole process, start-up included), the sandbox's
#   speed relative to qemu-riscv64 and to native (higher is faster), and a markdown table.
#   Every runner must print the same checksum, or the script fails.
# Needs riscv64-linux-gnu-gcc and qemu-riscv64 (Debian: gcc-riscv64-linux-gnu qemu-user), gcc, a JDK 25.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
iterations="${1:-40000}"
reps="${REPS:-3}"
work="$(mktemp -d /tmp/vf-grid-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

for tool in riscv64-linux-gnu-gcc qemu-riscv64 gcc; do
  command -v "$tool" >/dev/null || { echo "$tool not installed" >&2; exit 1; }
done
"$here/visorfleet" --version >/dev/null # the launcher's build is done before anything is timed

riscv64-linux-gnu-gcc -static -O2 -o "$work/kernels.rv64" "$here/bench/grid/kernels.c" -lm
gcc -O2 -o "$work/kernels.x86" "$here/bench/grid/kernels.c" -lm

# run RUNNER KIND -> "seconds checksum"
run() {
  local start end out
  start="$EPOCHREALTIME"
  case "$1" in
    sandbox) out="$("$here/visorfleet" grid run --budget 1000000000000 "$work/kernels.rv64" "$iterations" "$2")" ;;
    qemu) out="$(qemu-riscv64 "$work/kernels.rv64" "$iterations" "$2")" ;;
    native) out="$("$work/kernels.x86" "$iterations" "$2")" ;;
  esac
  end="$EPOCHREALTIME"
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }') $(tail -1 <<<"$out" | tr -d ' ')"
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-8s %10s %10s %10s %10s %10s\n' kernel sandbox-s qemu-s native-s vs-qemu vs-native
rows=()
for kind in int float; do
  declare -A times=([sandbox]="" [qemu]="" [native]="")
  checksum=""
  for _ in $(seq "$reps"); do
    for runner in sandbox qemu native; do
      read -r seconds line < <(run "$runner" "$kind")
      [ -z "$checksum" ] && checksum="$line"
      if [ "$line" != "$checksum" ]; then
        echo "$kind: $runner printed checksum '$line', expected '$checksum'" >&2
        exit 1
      fi
      times[$runner]+="$seconds "
    done
  done
  s="$(median <<<"${times[sandbox]}")"; q="$(median <<<"${times[qemu]}")"; n="$(median <<<"${times[native]}")"
  read -r vq vn < <(awk -v s="$s" -v q="$q" -v n="$n" 'BEGIN { printf "%.2f %.3f\n", q / s, n / s }')
  printf '%-8s %10s %10s %10s %9sx %9sx\n' "$kind" "$s" "$q" "$n" "$vq" "$vn"
  rows+=("| $kind | $s | $q | $n | ${vq}x | ${vn}x |")
  unset times
done
echo
echo "kernels.c $iterations iterations, median of $reps, checksums identical across the three runners"
echo "| kernel | sandbox (s) | qemu-riscv64 (s) | native x86-64 (s) | sandbox speed vs qemu | vs native |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
