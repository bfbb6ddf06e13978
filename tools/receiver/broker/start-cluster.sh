#!/usr/bin/env bash
# Starts every node of a NATS cluster in the background from a run directory that `nodectl broker cluster`
# (NatsClusterConfig.Write) generated (nodeN.conf, nodeN/, mqtt-ports). Waits until every node's MQTT listener
# accepts connections and JetStream has a leader (MQTT needs it). Each node writes nodeN.pid and nodeN.log.
# Usage: start-cluster.sh <run-dir> [timeout-seconds]
set -euo pipefail

run_dir=${1:?usage: start-cluster.sh <run-dir> [timeout-seconds]}
timeout_s=${2:-60}
nats=${NATS_SERVER:-/usr/sbin/nats-server}
[ -x "$nats" ] || { echo "start-cluster: $nats not found: run tools/scripts/setup.sh" >&2; exit 2; }
[ -f "$run_dir/mqtt-ports" ] || { echo "start-cluster: $run_dir/mqtt-ports not found: generate the run directory first (nodectl broker cluster --dir <pki> --run <run-dir>)" >&2; exit 2; }
run_dir=$(cd "$run_dir" && pwd)

mapfile -t ports < "$run_dir/mqtt-ports"
for i in "${!ports[@]}"; do
  pid_file="$run_dir/node$i.pid"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null && grep -q nats-server "/proc/$(cat "$pid_file")/cmdline" 2>/dev/null; then
    echo "start-cluster: node$i already running as pid $(cat "$pid_file")" >&2
    exit 1
  fi
  # nats-server does not daemonise itself: setsid detaches it from this shell.
  # Its own log goes to nodeN.log; what it prints itself (a panic) is appended there too.
  setsid "$nats" -c "$run_dir/node$i.conf" -P "$pid_file" -l "$run_dir/node$i.log" </dev/null >>"$run_dir/node$i.log" 2>&1 &
done

deadline=$((SECONDS + timeout_s))
for i in "${!ports[@]}"; do
  until (exec 3<>"/dev/tcp/127.0.0.1/${ports[$i]}") 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "start-cluster: node$i accepts nothing on 127.0.0.1:${ports[$i]} after ${timeout_s}s; log tail:" >&2
      tail -n 20 "$run_dir/node$i.log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.1
  done
done
until cat "$run_dir"/node*.log 2>/dev/null | grep -q "JetStream cluster new metadata leader\|Self is new JetStream cluster metadata leader"; do
  if [ $SECONDS -ge $deadline ]; then echo "start-cluster: no JetStream leader after ${timeout_s}s" >&2; exit 1; fi
  sleep 0.2
done
for i in "${!ports[@]}"; do echo "start-cluster: node$i pid $(cat "$run_dir/node$i.pid") MQTT 127.0.0.1:${ports[$i]}"; done
