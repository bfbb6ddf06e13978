#!/usr/bin/env bash
# Messages/s through one Mosquitto and through the three-node NATS cluster (docs/scaling.md), with the fleet's
# certificates over TLS, QoS 1, MQTT 3.1.1 on both: P devices publish M messages each (mosquitto_pub -l, 20 in
# flight each) while one receiver identity takes them all at QoS 1 (mosquitto_sub). On the cluster the devices publish
# through nodes 1 and 2 and the subscriber reads from node 0. Prints RESULT lines; everything lives in a temporary
# directory that is removed afterwards.
# Usage: broker-rate.sh [publishers] [messages-per-publisher]     NODECTL_DLL overrides the nodectl build used.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
publishers=${1:-4}
per=${2:-5000}
[[ "$publishers" =~ ^[0-9]+$ && "$publishers" -ge 1 && "$publishers" -le 64 ]] || { echo "broker-rate: publishers must be 1..64" >&2; exit 2; }
[[ "$per" =~ ^[0-9]+$ && "$per" -ge 1 && "$per" -le 1000000 ]] || { echo "broker-rate: messages per publisher must be 1..1000000" >&2; exit 2; }
nodectl_dll=${NODECTL_DLL:-$repo/tools/nodectl/Nodectl/bin/Release/net10.0/Nodectl.dll}
[ -f "$nodectl_dll" ] || { echo "broker-rate: $nodectl_dll not found: dotnet build NodeFirmware.Host.slnf -c Release" >&2; exit 2; }
nodectl() { dotnet "$nodectl_dll" "$@" >/dev/null; }

work=$(mktemp -d /tmp/nf-broker-rate-XXXXXX)
export NODEFIRMWARE_CA_PASSPHRASE=$(head -c 18 /dev/urandom | base64)
cleanup() {
  "$repo/tools/receiver/broker/stop-cluster.sh" "$work/cluster" >/dev/null 2>&1 || true
  "$repo/tools/receiver/broker/stop-broker.sh" "$work/broker" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

nodectl ca init --dir pki --name broker-rate
nodectl ca issue receiver --dir pki
nodectl ca issue broker --dir pki
devices=()
for i in $(seq "$publishers"); do devices+=("esp32-$(printf '%012x' "$i")"); nodectl ca issue device "${devices[-1]}" --dir pki; done
nodectl broker setup --dir pki --run broker --port "$(free_port)"
"$repo/tools/receiver/broker/start-broker.sh" broker >/dev/null
nodectl broker cluster --dir pki --run cluster
"$repo/tools/receiver/broker/start-cluster.sh" cluster >/dev/null
python3 -c "import sys; sys.stdout.write(('x' * 200 + '\n') * $per)" > lines.txt

tls="-V mqttv311 -h localhost --cafile pki/ca/ca.crt"
# measure <name> <subscriber port> <publisher ports...>
measure() {
  local name=$1 sub_port=$2; shift 2
  local ports=("$@") total=$((publishers * per)) pids=()
  mosquitto_sub $tls -p "$sub_port" --cert pki/services/receiver/client.crt --key pki/services/receiver/client.key \
    -i "rate-$name" -q 1 -t 'nodes/+/telemetry' -C "$total" > /dev/null &
  local sub=$!
  sleep 2
  local t0=$(date +%s.%N)
  for i in "${!devices[@]}"; do
    local d=${devices[$i]}
    mosquitto_pub $tls -p "${ports[$((i % ${#ports[@]}))]}" --cert "pki/devices/$d/device.crt" --key "pki/devices/$d/device.key" \
      -i "$d" -q 1 -t "nodes/$d/telemetry" -l < lines.txt &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  local t1=$(date +%s.%N)
  wait "$sub"
  local t2=$(date +%s.%N)
  python3 -c "print('RESULT broker-rate broker=$name publishers=$publishers messages=$total published_per_s=%d delivered_per_s=%d' % ($total / ($t1 - $t0), $total / ($t2 - $t0)))"
}
mosquitto_port=$(awk '/^listener /{print $2; exit}' broker/mosquitto.conf)
mapfile -t nats < cluster/mqtt-ports
measure mosquitto "$mosquitto_port" "$mosquitto_port"
measure nats-cluster "${nats[0]}" "${nats[1]}" "${nats[2]}"
