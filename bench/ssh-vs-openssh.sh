#!/usr/bin/env bash
# Benchmark: a technician's jump through our SSH bastion (`visorfleet server run --ssh-port`, MINA
# SSHD) to an enrolled agent's own SSH server, against the same jump through OpenSSH's sshd (Debian
# openssh-server, two instances on loopback: one as jump host, one as target), in one run with the
# same client (Debian's ssh/scp), the same ed25519 user key and both sides on this machine.
#
# usage: bench/ssh-vs-openssh.sh [OPEN_REPS] [SCP_REPS]   (defaults 20 and 3)
#   SIZE_MIB=N      size of the copied file (default 100)
#   VISORFLEET_JAVA_OPTS=FLAGS  JVM flags for the server, the agent and the CLI commands, e.g.
#                   -XX:StartFlightRecording:filename=/tmp/jfr/%p.jfr,settings=profile (a profile).
#   CIPHER=NAME     the technician's ssh/scp offer only this cipher (Ciphers in their ssh_config, so
#                   the jump's own ssh too), e.g. aes128-gcm@openssh.com; default: the client's preference.
# Measured, alternating ours and OpenSSH each repetition, after one unmeasured warm-up each:
#   shell open   `ssh -tt -J JUMP TARGET` started -> first byte of the remote login shell's output
#                (bash -l on a pseudo-terminal: its prompt) on ssh's stdout. Covers both TCP connects,
#                both key exchanges and public-key sign-ins, the direct-tcpip open through the jump
#                host, the PTY and the shell's start-up.
#   exec open    `ssh -J JUMP TARGET 'echo READY'` started -> first byte of READY on stdout (the same
#                without a PTY or login shell: `sh -c` on the agent, `bash -c` under sshd).
#   scp up/down  SIZE_MIB of random bytes with `scp -J` (SFTP underneath on OpenSSH 9.2), wall time of
#                the scp process (its connection set-up included), as MiB/s; checked with cmp.
#   no jump      exec open and scp straight to the target's SSH server (the agent's own, reached on
#                loopback without the bastion; the target sshd), to show what the jump adds.
#   CPU          CPU seconds the jump host and the target spend per copy through the jump (from
#                /proc: the server JVM and the agent JVM; each sshd with its reaped children).
# Prints median and p90 per metric and ours/OpenSSH ratios, then a markdown table.
# Needs: ssh, scp, ssh-keygen, /usr/sbin/sshd (Debian: openssh-server; only the binary is used: the
# system sshd and /etc/ssh are left alone), python3, curl, jq, a JDK 25. Runs the peer sshd as the
# current user; as root, it signs in as root (PermitRootLogin prohibit-password, keys only).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
open_reps="${1:-20}"
scp_reps="${2:-3}"
size_mib="${SIZE_MIB:-100}"
cipher="${CIPHER:-}"
admin_password="bench-admin-password"
tech_password="bench-tech-password"

for tool in ssh scp ssh-keygen /usr/sbin/sshd python3 curl jq; do
  command -v "$tool" >/dev/null || { echo "$tool not installed (Debian: openssh-server, python3, curl, jq)" >&2; exit 1; }
done
"$here/visorfleet" --version >/dev/null # the launcher's build is done before anything is timed

work="$(mktemp -d /tmp/vf-ssh-bench.XXXXXX)"
export VISORFLEET_HOME="$work/home" # the CLI's trust state, not the user's ~/.visorfleet
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits until FILE has a line matching the sed expression EXPR (printing its capture), or fails.
await_line() {
  local file="$1" expr="$2" pid="$3" value
  for _ in $(seq 300); do
    value="$(sed -n "$expr" "$file" 2>/dev/null | head -1)"
    [ -n "$value" ] && { echo "$value"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "$file: no line matching $expr" >&2
  cat "$file" >&2
  exit 1
}

ssh-keygen -q -t ed25519 -N '' -C tech@bench -f "$work/tech"

# --- the peer: two OpenSSH sshd on loopback, from $work only ------------------------------------
user="$(id -un)"
# sshd run as root checks for its privilege-separation directory (Debian's service creates it).
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd
cp "$work/tech.pub" "$work/authorized_keys"
# The remote shells start in an empty home on both sides (sshd: SetEnv HOME; the agent: user.home),
# so that the measurement is the SSH path and the shell, not this account's ~/.profile and ~/.bashrc
# (bash sources ~/.bashrc even for `ssh host cmd`). /etc/profile still runs on both sides.
mkdir -p "$work/target-home"
start_sshd() {
  local name="$1" port="$2"
  ssh-keygen -q -t ed25519 -N '' -f "$work/$name-host"
  cat >"$work/$name.conf" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $work/$name-host
PidFile $work/$name.pid
AuthorizedKeysFile $work/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
PrintMotd no
PrintLastLog no
SetEnv HOME=$work/target-home
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
  /usr/sbin/sshd -D -e -f "$work/$name.conf" >"$work/$name.log" 2>&1 &
  pids+=($!)
  await_line "$work/$name.log" 's/.*Server listening on 127.0.0.1 port \([0-9]*\).*/\1/p' "$!" >/dev/null
}
jump_port="$(free_port)"
start_sshd sshd-jump "$jump_port"
jump_sshd_pid="${pids[-1]}"
target_port="$(free_port)"
start_sshd sshd-target "$target_port"
target_sshd_pid="${pids[-1]}"

# --- ours: a server with its bastion, one enrolled agent, a technician with the key -------------
data="$work/server"
vf() { "$here/visorfleet" "$@"; }
vf server init --data "$data" --admin-password "$admin_password" --hostname 127.0.0.1 >/dev/null
# Started as the launcher itself (it execs java), so that $! is the JVM's PID.
"$here/visorfleet" server run --data "$data" --https-port 0 --ssh-port 0 --boot-http-port 0 --bind 127.0.0.1 >"$work/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
url="$(await_line "$work/server.log" 's|.*listening on \(https://[^ ]*\).*|\1|p' "$server_pid")"
bastion_port="$(await_line "$work/server.log" 's/.*SSH bastion on port \([0-9]*\).*/\1/p' "$server_pid")"
admin=(--server "$url" --user admin --password "$admin_password" --ca "$data/ca.pem")
vf user add tech --role helpdesk --new-password "$tech_password" "${admin[@]}" >/dev/null
vf user add-key --key "$work/tech.pub" --server "$url" --user tech --password "$tech_password" --ca "$data/ca.pem" >/dev/null
api_token="$(curl -sf --cacert "$data/ca.pem" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$admin_password\"}" "$url/api/v1/login" | jq -r .token)"
enroll_token="$(curl -sf --cacert "$data/ca.pem" -H 'Content-Type: application/json' -H "Authorization: Bearer $api_token" \
  -d '{}' "$url/api/v1/enrollment-tokens" | jq -r .token)"
vf agent enroll --server "$url" --token "$enroll_token" --data "$work/agent" --hostname bench-desk >/dev/null
VISORFLEET_JAVA_OPTS="${VISORFLEET_JAVA_OPTS:-} -Duser.home=$work/target-home" "$here/visorfleet" agent run --data "$work/agent" >"$work/agent.log" 2>&1 &
agent_pid=$!
pids+=("$agent_pid")
await_line "$work/agent.log" 's/.*\(online on\).*/\1/p' "$agent_pid" >/dev/null
desk="$(curl -sf --cacert "$data/ca.pem" -H "Authorization: Bearer $api_token" "$url/api/v1/clients" | jq -r '.items[0].name')"

# One ssh_config for both: ProxyJump's inner ssh ignores -i, so the key is named here.
cat >"$work/ssh_config" <<EOF
Host *
  IdentityFile $work/tech
  IdentitiesOnly yes
  UserKnownHostsFile $work/known_hosts
  StrictHostKeyChecking accept-new
  BatchMode yes
  ConnectTimeout 20
  ControlMaster no
  ControlPath none
  LogLevel ERROR
EOF
# In the config, not as -c: the jump's own ssh reads the config but not the command line's -c.
[ -n "$cipher" ] && printf '  Ciphers %s\n' "$cipher" >>"$work/ssh_config"
client_opts=(-F "$work/ssh_config")
agent_ssh_port="$(await_line "$work/agent.log" 's/.*desktop SSH server on 127.0.0.1:\([0-9]*\).*/\1/p' "$agent_pid")"

# route SIDE PATH: sets r_opts, r_port, r_dest for ssh/scp. PATH jump: through the jump host (the
# benchmark); direct: straight to the target's SSH server (the agent's, or the target sshd), to show
# what the jump adds.
route() {
  case "$1-$2" in
    ours-jump) r_opts=(-J "tech@127.0.0.1:$bastion_port") r_port="" r_dest="tech@$desk" ;;
    peer-jump) r_opts=(-J "$user@127.0.0.1:$jump_port") r_port="$target_port" r_dest="$user@127.0.0.1" ;;
    ours-direct) r_opts=() r_port="$agent_ssh_port" r_dest="tech@127.0.0.1" ;;
    peer-direct) r_opts=() r_port="$target_port" r_dest="$user@127.0.0.1" ;;
  esac
}

# The tunnel comes up a moment after the agent is online: wait for a first exec through it.
route ours jump
for _ in $(seq 100); do
  ssh "${client_opts[@]}" "${r_opts[@]}" "$r_dest" true 2>/dev/null </dev/null && break
  sleep 0.3
done

# First-byte timer: runs ssh, prints milliseconds from its start to the first byte on its stdout.
# Mode shell: then types `exit` to the remote shell; mode exec: checks that READY came.
cat >"$work/ttfb.py" <<'EOF'
import os, subprocess, sys, time
mode, argv = sys.argv[1], sys.argv[2:]
start = time.monotonic()
p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
first = os.read(p.stdout.fileno(), 1)
elapsed = time.monotonic() - start
if mode == "shell":
    p.stdin.write(b"exit\n")
p.stdin.close()
rest = first + p.stdout.read()
err = p.stderr.read()
code = p.wait()
if not first or code != 0 or (mode == "exec" and b"READY" not in rest):
    sys.exit(f"{' '.join(argv)}: exit {code}, stdout {rest[:200]!r}, stderr {err[:400]!r}")
print(f"{elapsed * 1000:.1f}")
EOF
open_time() { # SIDE PATH MODE -> milliseconds
  route "$1" "$2"
  if [ "$3" = shell ]; then
    python3 "$work/ttfb.py" shell ssh "${client_opts[@]}" -tt "${r_opts[@]}" ${r_port:+-p "$r_port"} "$r_dest"
  else
    python3 "$work/ttfb.py" exec ssh "${client_opts[@]}" "${r_opts[@]}" ${r_port:+-p "$r_port"} "$r_dest" 'echo READY'
  fi
}

head -c "$((size_mib << 20))" /dev/urandom >"$work/payload.bin"
copy_rate() { # SIDE PATH DIRECTION -> MiB/s
  local remote="$work/remote-$1.bin" start end
  route "$1" "$2"
  local scp=(scp -q "${client_opts[@]}" "${r_opts[@]}" ${r_port:+-P "$r_port"})
  start="$EPOCHREALTIME"
  if [ "$3" = up ]; then
    "${scp[@]}" "$work/payload.bin" "$r_dest:$remote"
    end="$EPOCHREALTIME"
    cmp -s "$work/payload.bin" "$remote" || { echo "$1 $2 scp up: copy differs" >&2; exit 1; }
  else
    rm -f "$work/back.bin"
    "${scp[@]}" "$r_dest:$remote" "$work/back.bin"
    end="$EPOCHREALTIME"
    cmp -s "$work/payload.bin" "$work/back.bin" || { echo "$1 $2 scp down: copy differs" >&2; exit 1; }
  fi
  awk -v a="$start" -v b="$end" -v m="$size_mib" 'BEGIN { printf "%.1f\n", m / (b - a) }'
}

# The cipher each hop of the jump negotiated (the jump's own ssh gets -v too).
negotiated() {
  route "$1" jump
  ssh "${client_opts[@]}" -v "${r_opts[@]}" ${r_port:+-p "$r_port"} "$r_dest" true 2>&1 </dev/null |
    sed -n 's/.*kex: server->client cipher: \([^ ]*\) .*/\1/p' | paste -sd ' ' | sed 's/ /, then target /'
}
echo "ours:    ssh -> bastion 127.0.0.1:$bastion_port -> tunnel -> agent $desk (its SSH server on 127.0.0.1:$agent_ssh_port);" \
  "ciphers: jump $(negotiated ours)"
echo "OpenSSH: ssh -> sshd 127.0.0.1:$jump_port -> sshd 127.0.0.1:$target_port; ciphers: jump $(negotiated peer)"
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before; ${cipher:+cipher $cipher, }$open_reps session opens," \
  "$scp_reps copies of $size_mib MiB each way"

declare -A samples=()
for side in ours peer; do # warm-up, not measured: known_hosts, JIT, page cache
  for path in jump direct; do
    open_time "$side" "$path" shell >/dev/null
    open_time "$side" "$path" exec >/dev/null
  done
done
for _ in $(seq "$open_reps"); do
  for side in ours peer; do
    for run in jump-shell jump-exec direct-exec; do
      samples[$side-$run]+="$(open_time "$side" "${run%-*}" "${run#*-}") "
    done
  done
done
# CPU time (user + system, children that exited included) of processes, in clock ticks: the jump
# host and the target, over the copies through the jump. An sshd's per-connection children are
# counted once it has reaped them, i.e. once the connection is over.
cpu_ticks() {
  local pid total=0 f
  for pid in "$@"; do
    read -r -a f <"/proc/$pid/stat"
    total=$((total + f[13] + f[14] + f[15] + f[16]))
  done
  echo "$total"
}
declare -A cpu=([ours-jump]=0 [ours-target]=0 [peer-jump]=0 [peer-target]=0)
for side in ours peer; do
  copy_rate "$side" jump up >/dev/null
done
for _ in $(seq "$scp_reps"); do
  for side in ours peer; do
    if [ "$side" = ours ]; then hosts=("$server_pid" "$agent_pid"); else hosts=("$jump_sshd_pid" "$target_sshd_pid"); fi
    for run in jump-up jump-down direct-up direct-down; do
      before_jump="$(cpu_ticks "${hosts[0]}")" before_target="$(cpu_ticks "${hosts[1]}")"
      samples[$side-$run]+="$(copy_rate "$side" "${run%-*}" "${run#*-}") "
      if [ "${run%-*}" = jump ]; then
        sleep 0.3 # let sshd reap the connection's processes
        cpu[$side-jump]=$((cpu[$side-jump] + $(cpu_ticks "${hosts[0]}") - before_jump))
        cpu[$side-target]=$((cpu[$side-target] + $(cpu_ticks "${hosts[1]}") - before_target))
      fi
    done
  done
done

# quantile Q of the numbers on stdin (nearest rank)
quantile() { tr ' ' '\n' | grep . | sort -g | awk -v q="$1" '{a[NR]=$1} END {i=int(q*NR+0.999999); if (i<1) i=1; print a[i]}'; }

echo
printf '%-30s %10s %10s %12s %12s %8s\n' metric ours-p50 ours-p90 openssh-p50 openssh-p90 ratio
rows=()
for run in jump-shell jump-exec jump-up jump-down direct-exec direct-up direct-down; do
  case "$run" in
    jump-shell) label="shell open via jump (ms)" ;;
    jump-exec) label="exec open via jump (ms)" ;;
    jump-up) label="scp up via jump (MiB/s)" ;;
    jump-down) label="scp down via jump (MiB/s)" ;;
    direct-exec) label="exec open, no jump (ms)" ;;
    direct-up) label="scp up, no jump (MiB/s)" ;;
    direct-down) label="scp down, no jump (MiB/s)" ;;
  esac
  if [[ "$label" == *ms* ]]; then
    tail=0.9 note="time ours/OpenSSH, lower is better"
  else # the slow tail of a rate is its low quantile
    tail=0.1 note="rate ours/OpenSSH, higher is better"
  fi
  o50="$(quantile 0.5 <<<"${samples[ours-$run]}")"; o90="$(quantile "$tail" <<<"${samples[ours-$run]}")"
  p50="$(quantile 0.5 <<<"${samples[peer-$run]}")"; p90="$(quantile "$tail" <<<"${samples[peer-$run]}")"
  ratio="$(awk -v o="$o50" -v p="$p50" 'BEGIN { printf "%.2f", o / p }')"
  printf '%-30s %10s %10s %12s %12s %7sx  (%s)\n' "$label" "$o50" "$o90" "$p50" "$p90" "$ratio" "$note"
  rows+=("| $label | $o50 | $o90 | $p50 | $p90 | **${ratio}x** ($note) |")
done
echo
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) after; for rates the p90 column is the slow tail (10th percentile)"
cpu_per_copy() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$((2 * scp_reps))" 'BEGIN { printf "%.2f", t / hz / n }'; }
echo "CPU seconds per $size_mib MiB copied through the jump (mean of up and down):" \
  "jump host: ours (server JVM) $(cpu_per_copy "${cpu[ours-jump]}"), OpenSSH (sshd) $(cpu_per_copy "${cpu[peer-jump]}");" \
  "target: ours (agent JVM) $(cpu_per_copy "${cpu[ours-target]}"), OpenSSH (sshd + sftp-server) $(cpu_per_copy "${cpu[peer-target]}")"
echo "| metric | ours p50 | ours p90 | OpenSSH p50 | OpenSSH p90 | ours vs OpenSSH (p50) |"
echo "|---|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
