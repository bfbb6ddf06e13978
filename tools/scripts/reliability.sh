#!/usr/bin/env bash
# Reliability report of the hardware-in-the-loop suite on the virtual rig: chaos scenarios, fuzzing, security probes.
# Prints "readings generated / stored / duplicated", "faults injected / survived", "inputs fuzzed / crashes",
# "security probes tried / refused" and a RESULT line; the figures go into docs/benchmarks.md.
# Usage: tools/scripts/reliability.sh [output file]   (default: reliability-report.txt in the current directory)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(realpath -m "${1:-reliability-report.txt}")"
artifacts="${NODEFIRMWARE_ARTIFACTS:-/tmp/art-reliability}"
export NODEFIRMWARE_ROOT="$root"
export NODEFIRMWARE_RELIABILITY_REPORT="$out"
rm -f "$out"
dotnet test "$root/hil-tests/HilTests/HilTests.csproj" -c Release --artifacts-path "$artifacts" \
  --filter "FullyQualifiedName~NodeFirmware.HilTests.Report.ReliabilityReport" --logger "console;verbosity=normal" >&2
echo "reliability report ($out):"
cat "$out"
