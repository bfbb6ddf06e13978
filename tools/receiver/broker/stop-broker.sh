#!/usr/bin/env bash
# Stops the mosquitto started by start-broker.sh: SIGTERM (it saves its database on the way out),
# SIGKILL if it is still there after the timeout. --kill sends SIGKILL at once (no final save).
# Usage: stop-broker.sh <run-dir> [--kill] [timeout-seconds]
set -euo pipefail

run_dir=${1:?usage: stop-broker.sh <run-dir> [--kill] [timeout-seconds]}
shift
signal=TERM
if [ "${1:-}" = "--kill" ]; then signal=KILL; shift; fi
timeout_s=${1:-10}
pid_file="$run_dir/mosquitto.pid"

if [ ! -f "$pid_file" ]; then
  echo "stop-broker: no pid file in $run_dir: not running" >&2
  exit 0
fi
. "$(dirname "$0")/broker-pid.sh"
# Only signal a live mosquitto of this run directory (pids get reused; a killed one may linger as a zombie).
if ! pid=$(live_broker_pid "$run_dir"); then
  echo "stop-broker: pid $(cat "$pid_file") is not a live broker of $run_dir; removing stale pid file" >&2
  rm -f "$pid_file"
  exit 0
fi

kill -s "$signal" "$pid"
deadline=$((SECONDS + timeout_s))
while live_broker_pid "$run_dir" > /dev/null; do
  if [ $SECONDS -ge $deadline ]; then
    echo "stop-broker: pid $pid ignored SIG$signal for ${timeout_s}s; sending SIGKILL" >&2
    kill -s KILL "$pid" 2>/dev/null || true
    sleep 0.2
    break
  fi
  sleep 0.1
done
rm -f "$pid_file"
echo "stop-broker: stopped pid $pid (SIG$signal)"
