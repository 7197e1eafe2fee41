#!/usr/bin/env bash
# Benchmark: wall time for N thin clients booting at once over AoE, from the visorfleet server's boot
# service against vblade (its named peer) serving the same read-only golden image, in the same run.
# Each client is QEMU (TCG) running Debian's iPXE, which sanboots a probe boot sector
# (e2e's aoe-probe.asm) that reads 1 MiB through INT 13h and prints `AOE-CHECKSUM xxxxxxxx` on COM1;
# a client's time runs from its QEMU's start to that line. Prints, per N, the slowest client (when
# the last one is ready) and the mean per client for both targets, the ratio vblade / visorfleet of
# the slowest-client figure (> 1: we are faster), and a markdown table for docs/performance.md.
#
# usage: sudo bench/netboot-boot-time.sh
#   COUNTS="1 4 8" (default) selects the numbers of clients booting at once.
#   REPS=N (default 3) alternates the two targets N times per count and reports each figure's
#   median, so a burst of noise on a shared machine hits both targets alike.
#   TIMEOUT=S (default 300) fails the run, with the clients' serial output, when a round takes longer.
# Everything runs in a private network namespace: one bridge, one persistent tap per client, vblade
# (`-r`, shelf 2) and `visorfleet server run` (export e1.0 of the same image) both on the bridge.
# Before timing, each target boots one client untimed (JIT for ours, page cache for both; it also
# proves the target answers). Every round uses fresh client MACs, so on ours no client starts with an
# overlay: the probe's one-sector write, after the checksum, creates one (vblade -r refuses it).
# Needs root (netns, taps, raw sockets), qemu-system-x86, ipxe, nasm, vblade, a JDK 25. Nothing is
# left behind: the processes, the namespace with its links, and the files are removed on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
reps="${REPS:-3}"
counts="${COUNTS:-1 4 8}"
timeout_s="${TIMEOUT:-300}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
probe_src="$here/e2e/src/test/resources/org/visorfleet/e2e/aoe-probe.asm"
ipxe=/usr/lib/ipxe/ipxe.lkrn
password="bench-$RANDOM$RANDOM"
suffix="$(printf '%04x' $((RANDOM)))"
ns="vfn$suffix"
bridge="vfbr$suffix"
tap_prefix="vft$suffix"
work="$(mktemp -d /tmp/vf-boot-bench.XXXXXX)"
vblade_pid=""
server_pid=""
qemu_pids=()
taps=()

stop() { # pid...: SIGTERM, then SIGKILL after 10 s; only our own children
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 100); do proc_state "$pid"; [ "$pstate" = "" ] || [ "$pstate" = Z ] && break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

proc_state() { # pid → $pstate: its one-letter state, empty once reaped (builtins only, no fork)
  pstate=""
  { read -r _ _ pstate _ </proc/"$1"/stat; } 2>/dev/null || true
}

cleanup() {
  set +e
  [ "${#qemu_pids[@]}" -gt 0 ] && stop "${qemu_pids[@]}"
  [ -n "$server_pid" ] && stop "$server_pid"
  [ -n "$vblade_pid" ] && stop "$vblade_pid"
  for t in "${taps[@]}"; do ip -n "$ns" link del "$t" 2>/dev/null; done
  ip -n "$ns" link del "$bridge" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "needs root (netns, taps, raw sockets)" >&2; exit 1; }
for tool in qemu-system-x86_64 nasm vblade; do
  command -v "$tool" >/dev/null || { echo "$tool not installed (qemu-system-x86, nasm, vblade)" >&2; exit 1; }
done
[ -f "$ipxe" ] || { echo "$ipxe not found (apt-get install ipxe)" >&2; exit 1; }
[ -n "${EPOCHREALTIME:-}" ] || { echo "needs bash 5 (EPOCHREALTIME)" >&2; exit 1; }

# make sure the launcher's build is done before anything is timed
"$here/visorfleet" --version >/dev/null

# Disk: the probe in sector 0, random bytes after it (8 MiB: the probe reads LBA 1..2048 and
# writes LBA 4100).
image="$work/disk.img"
nasm -f bin -DFIRST_LBA=1 -DSECTORS=2048 -DCHUNK=64 -DWRITE_LBA=4100 -o "$work/probe.bin" "$probe_src"
dd if=/dev/urandom of="$image" bs=1M count=8 status=none
dd if="$work/probe.bin" of="$image" bs=512 count=1 conv=notrunc status=none

# Expected checksum, as the probe computes it: FNV-1a 32 over the bytes of LBA 1..2048.
cat >"$work/Fnv.java" <<'EOF'
void main(String[] args) throws Exception {
    byte[] disk = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[0]));
    int h = 0x811C9DC5;
    for (int i = 512; i < 512 + 2048 * 512; i++) {
        h = (h ^ (disk[i] & 0xFF)) * 0x01000193;
    }
    System.out.printf("%08x%n", h);
}
EOF
expected="$("$JAVA_HOME/bin/java" "$work/Fnv.java" "$image")"

# Network: a bridge with one tap per client, all in our own namespace; no IPv6 chatter on them.
max_n=1
for n in $counts; do [ "$n" -gt "$max_n" ] && max_n=$n; done
ip netns add "$ns"
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$ns" link set lo up
ip -n "$ns" link add "$bridge" type bridge forward_delay 0
ip -n "$ns" link set "$bridge" up
for i in $(seq "$max_n"); do
  t="$tap_prefix$i"
  ip -n "$ns" tuntap add dev "$t" mode tap
  taps+=("$t")
  ip -n "$ns" link set "$t" master "$bridge"
  ip -n "$ns" link set "$t" up
done

# Targets: vblade at e2.0, visorfleet at e1.0, both on the bridge for the whole run.
ip netns exec "$ns" vblade -r 2 0 "$bridge" "$image" >"$work/vblade.log" 2>&1 &
vblade_pid=$!
"$here/visorfleet" server init --data "$work/server" --admin-password "$password" >"$work/init.log" 2>&1 \
  || { cat "$work/init.log" >&2; exit 1; }
ip netns exec "$ns" "$here/visorfleet" server run --data "$work/server" --aoe-iface "$bridge" \
  --boot-http-port 0 --ssh-port 0 --https-port 8443 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do
  grep -q "AoE exports on raw:$bridge" "$work/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { echo "server ended:" >&2; cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done
grep -q "AoE exports on raw:$bridge" "$work/server.log" || { echo "server not ready:" >&2; cat "$work/server.log" >&2; exit 1; }
cli() { # the admin CLI inside the namespace; its notes (trust on first use, progress) go to cli.log
  ip netns exec "$ns" env VISORFLEET_HOME="$work/home" "$here/visorfleet" "$@" \
    --server https://127.0.0.1:8443 --user admin --password "$password" 2>>"$work/cli.log" \
    || { cat "$work/cli.log" >&2; return 1; }
}
version="$(cli image import --name desk --publish "$image")"
[ "$version" = desk:1 ] || { echo "image import printed '$version'" >&2; exit 1; }
address="$(cli export create --image desk --address e1.0)"
[ "$address" = e1.0 ] || { echo "export create printed '$address'" >&2; exit 1; }

# SeaBIOS's (and so iPXE's) console goes to COM2, keeping COM1 for the probe alone (as in e2e).
printf '\xf8\x02' >"$work/sercon-port.bin"
for target in visorfleet vblade; do
  case "$target" in visorfleet) aoe=e1.0 ;; vblade) aoe=e2.0 ;; esac
  printf '#!ipxe\nifopen net0 || goto failed\nsanboot aoe:%s || goto failed\n:failed\necho VISORFLEET-IPXE-FAILED errno=${errno}\nexit 1\n' \
    "$aoe" >"$work/$target.ipxe"
done

diagnostics() { # client dir
  echo "--- $1: COM1 (probe):"; cat "$1/com1.log" 2>/dev/null
  echo "--- COM2 (firmware console), tail:"
  sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' "$1/com2.log" 2>/dev/null | tr '\r' '\n' | grep -v '^\s*$' | tail -n 15
  echo "--- qemu stderr:"; cat "$1/qemu.err" 2>/dev/null
}

now_us() { now=${EPOCHREALTIME/[.,]/}; } # microseconds, without a fork

# A sleep without a fork: read with a timeout from a FIFO nobody writes to.
mkfifo "$work/tick"
exec {tick}<>"$work/tick"

round_no=0
# Boots n clients of target at once and, unless out is "-" (warm-up), appends a line
# "slowest_s mean_s" to out.
round() { # target n out
  local target=$1 n=$2 out=$3 i dir mac line pending
  local -a start done_at
  round_no=$((round_no + 1))
  rm -rf "$work/round"; mkdir "$work/round"
  qemu_pids=()
  for ((i = 1; i <= n; i++)); do
    dir="$work/round/c$i"; mkdir "$dir"; : >"$dir/com1.log"
    # a fresh MAC per round: 52:54 (locally administered), target, round (16 bits), client
    mac="$(printf '52:54:%02x:%02x:%02x:%02x' "$([ "$target" = vblade ] && echo 2 || echo 1)" \
      $(((round_no >> 8) & 255)) $((round_no & 255)) "$i")"
    now_us; start[i]=$now
    ip netns exec "$ns" qemu-system-x86_64 -nodefaults -machine pc -m 128 -display none -no-reboot \
      -boot reboot-timeout=0 -serial "file:$dir/com1.log" -serial "file:$dir/com2.log" \
      -fw_cfg "name=etc/sercon-port,file=$work/sercon-port.bin" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
      -kernel "$ipxe" -initrd "$work/$target.ipxe" \
      -netdev "tap,id=n0,ifname=$tap_prefix$i,script=no,downscript=no" \
      -device "virtio-net-pci,netdev=n0,mac=$mac,romfile=" >/dev/null 2>"$dir/qemu.err" &
    qemu_pids+=($!)
  done
  # Poll with builtins only: a fork per poll would compete with the clients for CPU.
  pending=$n
  while [ "$pending" -gt 0 ]; do
    for ((i = 1; i <= n; i++)); do
      [ -n "${done_at[i]:-}" ] && continue
      dir="$work/round/c$i"
      # whole lines only: the probe writes its line a character at a time
      while IFS= read -r line; do
        case "$line" in AOE-CHECKSUM*) now_us; done_at[i]=$now; break ;; esac
      done <"$dir/com1.log"
      if [ -n "${done_at[i]:-}" ]; then
        pending=$((pending - 1))
        line="${line%$'\r'}"
        if [ "$line" != "AOE-CHECKSUM $expected" ]; then
          echo "$target client $i of $n: '$line', expected 'AOE-CHECKSUM $expected'" >&2
          diagnostics "$dir" >&2; exit 1
        fi
      else
        proc_state "${qemu_pids[i - 1]}"
        if [ "$pstate" = Z ] || [ -z "$pstate" ]; then
          grep -q AOE-CHECKSUM "$dir/com1.log" && continue # printed just before QEMU ended: next poll
          echo "$target client $i of $n: QEMU ended without a checksum" >&2; diagnostics "$dir" >&2; exit 1
        fi
      fi
    done
    now_us
    if [ $((now - start[1])) -gt $((timeout_s * 1000000)) ]; then
      echo "$target: round of $n clients timed out after $timeout_s s" >&2
      for ((i = 1; i <= n; i++)); do [ -z "${done_at[i]:-}" ] && diagnostics "$work/round/c$i" >&2; done
      exit 1
    fi
    [ "$pending" -gt 0 ] && { read -r -t 0.02 -u "$tick" _ || true; }
  done
  stop "${qemu_pids[@]}"
  qemu_pids=()
  [ "$out" = - ] && return 0
  for ((i = 1; i <= n; i++)); do echo "${start[i]} ${done_at[i]}"; done \
    | awk '{ d = ($2 - $1) / 1e6; s += d; if (d > m) m = d } END { printf "%.2f %.2f\n", m, s / NR }' >>"$out"
}

round visorfleet 1 -
round vblade 1 -

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for n in $counts; do
  for rep in $(seq "$reps"); do
    for target in vblade visorfleet; do
      round "$target" "$n" "$work/result.$target.$n"
    done
  done
done

printf '\nmedian of %s rounds per target, alternating targets; QEMU %s (TCG), iPXE sanboot, 1 MiB read, %s\n' \
  "$reps" "$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')" "$(uname -r)"
printf 'seconds from QEMU start to AOE-CHECKSUM; every client printed the expected checksum %s\n' "$expected"
printf '%-3s %13s %13s %7s %12s %12s\n' N vblade-last-s ours-last-s ratio vblade-mean ours-mean
md="| clients | vblade, last ready (s) | visorfleet, last ready (s) | ratio | vblade, mean (s) | visorfleet, mean (s) |\n|---|---|---|---|---|---|\n"
for n in $counts; do
  la=$(cut -d' ' -f1 "$work/result.vblade.$n" | median); lb=$(cut -d' ' -f1 "$work/result.visorfleet.$n" | median)
  ma=$(cut -d' ' -f2 "$work/result.vblade.$n" | median); mb=$(cut -d' ' -f2 "$work/result.visorfleet.$n" | median)
  ratio=$(awk -v a="$la" -v b="$lb" 'BEGIN { printf (b > 0 ? "%.2f" : "n/a"), a / b }')
  printf '%-3s %13s %13s %6sx %12s %12s\n' "$n" "$la" "$lb" "$ratio" "$ma" "$mb"
  md+="| $n | $la | $lb | ${ratio}x | $ma | $mb |\n"
done
printf '\n%b' "$md"
