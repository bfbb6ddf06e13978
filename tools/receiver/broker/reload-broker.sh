#!/usr/bin/env bash
# Sends SIGHUP to the mosquitto started by start-broker.sh. Mosquitto 2.0.11 then re-reads the ACL file,
# the server certificate/key and the CRL (new connections are checked against it; connected clients stay).
# Usage: reload-broker.sh <run-dir>
set -euo pipefail

run_dir=${1:?usage: reload-broker.sh <run-dir>}
pid_file="$run_dir/mosquitto.pid"
[ -f "$pid_file" ] || { echo "reload-broker: no pid file in $run_dir: not running" >&2; exit 1; }
. "$(dirname "$0")/broker-pid.sh"
pid=$(live_broker_pid "$run_dir") || { echo "reload-broker: pid $(cat "$pid_file") is not a running mosquitto of $run_dir" >&2; exit 1; }

before=$(grep -c 'Reloading config.' "$run_dir/mosquitto.log" 2>/dev/null || true)
kill -s HUP "$pid"
for _ in $(seq 1 100); do
  now=$(grep -c 'Reloading config.' "$run_dir/mosquitto.log" 2>/dev/null || true)
  if [ "${now:-0}" -gt "${before:-0}" ]; then echo "reload-broker: pid $pid reloaded"; exit 0; fi
  sleep 0.1
done
echo "reload-broker: pid $pid did not log a reload within 10s" >&2
exit 1
