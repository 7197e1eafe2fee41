#!/usr/bin/env bash
# Benchmark: visorfleet's AoE target against vblade (its named peer) on one veth pair, with the same
# neutral load generator (aoe-blast, from ../shared/tools) in the same run. Prints one row per
# configuration with both IOPS figures and their ratio, and a markdown table for docs/performance.md.
#
# usage: sudo bench/aoe-vs-vblade.sh [SECONDS] [quick]
#   SECONDS per measurement (default 4); "quick" runs only MTU 1500, window 16, random reads.
#   MTUS="1500 9000" (default) selects the MTUs.
#   REPS=N (default 3) alternates the two targets N times and reports each figure's median, so a
#   burst of noise on a shared machine hits both targets alike.
# Needs root (raw sockets, veth), gcc, vblade, a JDK 25. Nothing is left behind: the veth pair,
# the targets and the image are removed on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-4}"
reps="${REPS:-3}"
quick="${2:-}"
blast_src="${AOE_BLAST_SRC:-$here/../shared/tools/aoe-blast.c}"
work="$(mktemp -d /tmp/vf-bench.XXXXXX)"
suffix="$(printf '%04x' $((RANDOM)))"
va="vfb${suffix}a"
vb="vfb${suffix}b"
target_pid=""

cleanup() {
  [ -n "$target_pid" ] && kill "$target_pid" 2>/dev/null && wait "$target_pid" 2>/dev/null || true
  ip link del "$va" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "needs root (raw sockets, veth)" >&2; exit 1; }
command -v vblade >/dev/null || { echo "vblade not installed (apt-get install vblade)" >&2; exit 1; }
[ -f "$blast_src" ] || { echo "aoe-blast.c not found at $blast_src (set AOE_BLAST_SRC)" >&2; exit 1; }
gcc -O2 -o "$work/aoe-blast" "$blast_src"

# make sure the launcher's build is done before anything is timed
"$here/visorfleet" --version >/dev/null

image="$work/disk.img"
truncate -s 256M "$image"
dd if=/dev/urandom of="$image" bs=1M count=256 conv=notrunc status=none

ip link add "$va" type veth peer name "$vb"
for i in "$va" "$vb"; do
  ip link set "$i" addrgenmode none 2>/dev/null || true
  ip link set "$i" up
done

wait_up() { # the link must be operationally up before anyone sends: a veth drops frames until then
  for _ in $(seq 100); do
    [ "$(cat /sys/class/net/$va/operstate)" = up ] && [ "$(cat /sys/class/net/$vb/operstate)" = up ] && return 0
    sleep 0.1
  done
  echo "veth $va/$vb did not come up" >&2; exit 1
}

start_target() { # name
  case "$1" in
    vblade) vblade 1 1 "$vb" "$image" >"$work/target.log" 2>&1 & ;;
    visorfleet) "$here/visorfleet" aoe serve --iface "$vb" --export "1.1=$image" >"$work/target.log" 2>&1 & ;;
  esac
  target_pid=$!
  for _ in $(seq 50); do
    grep -q -E "sectors O_RDWR|AoE target on" "$work/target.log" 2>/dev/null && break
    sleep 0.2
  done
  # warm-up (JIT for ours, page cache for both); the first try also proves the target answers
  for attempt in 1 2 3; do
    "$work/aoe-blast" "$va" 1 1 2 16 "$spr" r rand >/dev/null 2>"$work/warmup.err" && return 0
  done
  echo "$1 did not answer on $vb: $(cat "$work/warmup.err")" >&2
  cat "$work/target.log" >&2
  exit 1
}

stop_target() {
  kill "$target_pid" 2>/dev/null || true
  wait "$target_pid" 2>/dev/null || true
  target_pid=""
}

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

if [ -n "$quick" ]; then mtus="1500"; windows="16"; kinds="r:rand"; else
  mtus="${MTUS:-1500 9000}"; windows="1 16 64"; kinds="r:seq r:rand w:seq w:rand"; fi

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A result
for mtu in $mtus; do
  ip link set "$va" mtu "$mtu"; ip link set "$vb" mtu "$mtu"
  wait_up
  spr=$(( (mtu - 22) / 512 ))
  for rep in $(seq "$reps"); do
    for target in vblade visorfleet; do
      start_target "$target"
      for kind in $kinds; do
        for w in $windows; do
          line="$("$work/aoe-blast" "$va" 1 1 "$seconds" "$w" "$spr" "${kind%%:*}" "${kind##*:}")"
          result["$mtu $kind $w $target"]+="$line"$'\n'
        done
      done
      stop_target
    done
  done
done

printf '\nmedian of %s runs of %s s each, alternating targets; aoe-blast, %s\n' "$reps" "$seconds" "$(uname -r)"
printf '%-5s %-7s %-6s %12s %12s %7s %10s %10s\n' MTU load window vblade-iops ours-iops ratio vblade-p99 ours-p99
md="| MTU | load | window | vblade IOPS | visorfleet IOPS | ratio | vblade p99 µs | visorfleet p99 µs |\n|---|---|---|---|---|---|---|---|\n"
for mtu in $mtus; do for kind in $kinds; do for w in $windows; do
  a="${result["$mtu $kind $w vblade"]}"; b="${result["$mtu $kind $w visorfleet"]}"
  ia=$(echo "$a" | field iops | median); ib=$(echo "$b" | field iops | median)
  pa=$(echo "$a" | field p99us | median); pb=$(echo "$b" | field p99us | median)
  ratio=$(awk -v a="$ia" -v b="$ib" 'BEGIN { printf (a > 0 ? "%.2f" : "n/a"), b / a }')
  load="${kind%%:*}-${kind##*:}"
  printf '%-5s %-7s %-6s %12s %12s %6sx %10s %10s\n' "$mtu" "$load" "$w" "$ia" "$ib" "$ratio" "$pa" "$pb"
  md+="| $mtu | $load | $w | $ia | $ib | ${ratio}x | $pa | $pb |\n"
  if echo "$a$b" | grep -v '^$' | grep -qv 'errors=0 '; then echo "  warning: errors reported in MTU $mtu $load window $w" >&2; fi
done; done; done
printf '\n%b' "$md"
