#!/usr/bin/env bash
# The main job, end to end on embedded defaults: a demo fleet CA and device certificates, Mosquitto with
# mutual TLS, a few virtual nodes (NodeFirmware.Core on simulated hardware) for half a virtual day with an
# outage, the telemetry arriving decoded, and the energy each node spent.
# Options are passed to `nodesim run` (see tools/nodesim/README.md), e.g. --nodes 10 --hours 48.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/scripts/setup.sh --demo
echo "== build"
dotnet build tools/nodesim/NodeSim.Cli -c Release -nologo -clp:ErrorsOnly -v:q
echo "== demo"
exec dotnet tools/nodesim/NodeSim.Cli/bin/Release/net10.0/NodeSim.Cli.dll run --dir .demo --nodes 3 --hours 12 --outage-hours 2 "$@"
