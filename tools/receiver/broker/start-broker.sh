#!/usr/bin/env bash
# Starts mosquitto in the background from a run directory that `nodectl broker setup` (MosquittoConfig.Write) generated
# (mosquitto.conf, acl, data/). Waits until the TLS listener accepts connections.
# Usage: start-broker.sh <run-dir> [timeout-seconds]
set -euo pipefail

run_dir=${1:?usage: start-broker.sh <run-dir> [timeout-seconds]}
timeout_s=${2:-15}
mosquitto=${MOSQUITTO:-/usr/sbin/mosquitto}
conf="$run_dir/mosquitto.conf"
pid_file="$run_dir/mosquitto.pid"

[ -x "$mosquitto" ] || { echo "start-broker: $mosquitto not found: run tools/scripts/setup.sh" >&2; exit 2; }
[ -f "$conf" ] || { echo "start-broker: $conf not found: generate the run directory first (nodectl broker setup --dir <pki> --run <run-dir>)" >&2; exit 2; }

. "$(dirname "$0")/broker-pid.sh"
if pid=$(live_broker_pid "$run_dir"); then
  echo "start-broker: already running as pid $pid" >&2
  exit 1
fi
if [ -f "$pid_file" ]; then echo "start-broker: removing stale pid file (pid $(cat "$pid_file") is not a live broker of $run_dir)" >&2; fi
rm -f "$pid_file"

# "listener <port> <address>" is the only listener line the generator writes.
read -r _ port address < <(grep -m1 '^listener ' "$conf")
[ -n "${port:-}" ] || { echo "start-broker: no listener line in $conf" >&2; exit 2; }
address=${address:-127.0.0.1}

# Every client connection is a descriptor and mosquitto does not raise its own limit: a soft limit of 1024 (Debian's
# login default) refuses the 1,000th device ("system socket count has been exceeded" in the log). Raise the soft
# limit to the hard one for mosquitto; the hard limit is the administrator's (docs/broker.md, "Open files").
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=$(cat /proc/sys/fs/nr_open 2>/dev/null || echo 1048576)
ulimit -Sn "$hard" 2>/dev/null || echo "start-broker: could not raise the open-files limit to $hard (now $(ulimit -Sn))" >&2

# -d daemonises; mosquitto writes pid_file itself (pid_file is in the generated conf).
"$mosquitto" -c "$(cd "$run_dir" && pwd)/mosquitto.conf" -d

deadline=$((SECONDS + timeout_s))
until (exec 3<>"/dev/tcp/$address/$port") 2>/dev/null; do
  if [ $SECONDS -ge $deadline ]; then
    echo "start-broker: nothing accepts on $address:$port after ${timeout_s}s; log tail:" >&2
    tail -n 20 "$run_dir/mosquitto.log" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 0.1
done
echo "start-broker: mosquitto pid $(cat "$pid_file" 2>/dev/null || echo '?') on $address:$port"
