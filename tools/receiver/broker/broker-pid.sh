# Sourced by start-, stop- and reload-broker.sh. A pid file outlives a killed broker, and its pid can be a
# zombie nobody reaped yet (kill -0 still succeeds) or a different process that got the number later.
# live_broker_pid <run-dir>: prints the pid only if it is a running (not zombie) mosquitto started with this
# run directory's mosquitto.conf; otherwise prints nothing and returns 1.
live_broker_pid() {
  local run_dir=$1 pid state
  local pid_file="$run_dir/mosquitto.pid"
  [ -f "$pid_file" ] || return 1
  pid=$(tr -dc '0-9' < "$pid_file")
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  # Field 3 of /proc/<pid>/stat is the state; the name in field 2 may contain spaces, so cut after its ')'.
  state=$(sed -e 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
  [ "$state" != "Z" ] && [ "$state" != "X" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "mosquitto" ] || return 1
  tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$(cd "$run_dir" && pwd)/mosquitto.conf" \
    || tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$run_dir/mosquitto.conf" || return 1
  echo "$pid"
}
