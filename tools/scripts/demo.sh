#!/usr/bin/env bash
# The main job, end to end on embedded defaults: a demo fleet CA and device certificates, Mosquitto with
# mutual TLS, the receiver storing into SQLite, a few virtual nodes (NodeFirmware.Core on simulated
# hardware) for half a virtual day with an outage, the telemetry arriving decoded, what the receiver
# stored, and the energy each node spent.
# Options go to `nodesim run` (tools/nodesim/README.md), e.g. --nodes 10 --hours 48, or --keep-running to
# keep the receiver and its page up afterwards. DEMO_HTTP_PORT sets the page's port (default 8080).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/scripts/setup.sh --demo
echo "== build"
dotnet build tools/nodesim/NodeSim.Cli -c Release -nologo -clp:ErrorsOnly -v:q
dotnet build tools/receiver/Receiver -c Release -nologo -clp:ErrorsOnly -v:q
dotnet build tools/nodectl/Nodectl -c Release -nologo -clp:ErrorsOnly -v:q
port="${DEMO_HTTP_PORT:-8080}"
# The receiver's API wants a token: the demo makes its own admin token (mode 0600) and uses it for everything.
mkdir -p .demo
dotnet tools/receiver/Receiver/bin/Release/net10.0/Receiver.dll token create --store "sqlite:$PWD/.demo/receiver.db" \
  --role admin --name demo --out .demo/admin.token
# Firmware trust has one root: the receiver takes no campaign without a release key, so the demo makes its own
# (kept across runs; the private half encrypted with a random passphrase, both files mode 0600).
if [ ! -s .demo/release.pub ]; then
  (umask 077; head -c 24 /dev/urandom | base64 > .demo/release.passphrase)
  NODECTL_RELEASE_PASSPHRASE="$(cat .demo/release.passphrase)" dotnet tools/nodectl/Nodectl/bin/Release/net10.0/Nodectl.dll \
    firmware keygen --out .demo/release.key --pub .demo/release.pub --force
fi
receiver="env Logging__LogLevel__Default=Warning dotnet $PWD/tools/receiver/Receiver/bin/Release/net10.0/Receiver.dll serve --store sqlite:{dir}/receiver.db \
  --broker {host}:{port} --ca {pki}/ca/ca.crt --cert {pki}/services/receiver/client.crt --key {pki}/services/receiver/client.key \
  --release-pub {dir}/release.pub --report-period 900 --http 127.0.0.1:$port"
echo "== demo"
exec dotnet tools/nodesim/NodeSim.Cli/bin/Release/net10.0/NodeSim.Cli.dll run --dir .demo --nodes 3 --hours 12 --outage-hours 2 \
  --receiver "$receiver" --receiver-url "http://127.0.0.1:$port" --receiver-token-file .demo/admin.token "$@"
