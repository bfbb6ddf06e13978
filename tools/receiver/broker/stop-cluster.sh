#!/usr/bin/env bash
# Stops every node of a cluster started by start-cluster.sh (SIGTERM, then SIGKILL after 10 s).
# Usage: stop-cluster.sh <run-dir>
set -euo pipefail

run_dir=${1:?usage: stop-cluster.sh <run-dir>}
for pid_file in "$run_dir"/node*.pid; do
  [ -f "$pid_file" ] || continue
  pid=$(cat "$pid_file")
  # Only a nats-server: a stale pid file may name a process that is something else now.
  if kill -0 "$pid" 2>/dev/null && grep -q nats-server "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pid_file"
done
echo "stop-cluster: stopped"
