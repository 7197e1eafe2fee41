#!/usr/bin/env bash
# Builds the demo's grid program (src/main/c/demo-primes.c) with Debian's RISC-V cross compiler
# (apt-get install gcc-riscv64-linux-gnu) into the resource `visorfleet demo` submits. The build is
# reproducible (no build id), so DemoProgramTest can check the checked-in binary against its source.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/src/main/resources/org/visorfleet/cli/demo/primes.elf}"
riscv64-linux-gnu-gcc -static -nostdlib -ffreestanding -fno-pic -no-pie -O2 -Wl,--build-id=none \
  -o "$out" "$here/src/main/c/demo-primes.c"
echo "built $out ($(stat -c %s "$out") bytes)"
