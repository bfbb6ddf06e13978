#!/usr/bin/env bash
# Runs every test: installs what is missing, builds (the nano gate included), runs all test projects, then the
# nano lane (Core's tests on nanoCLR, when NANOCLR_HOME holds the runtime; docs/nano-lane.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/scripts/setup.sh

echo "== build (host projects and the nanoFramework compile gate)"
dotnet build NodeFirmware.Host.slnf -c Release -nologo -clp:ErrorsOnly

echo "== tests"
log=$(mktemp)
set +e
dotnet test NodeFirmware.Host.slnf -c Release --no-build -nologo --blame-hang-timeout 10m 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

echo "== nano lane (nanoCLR)"
set +e
bash tools/scripts/test-nano.sh --self-test 2>&1 | tee -a "$log"
nano_status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] && status=$nano_status

awk '/(Passed|Failed)! +- +Failed:/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     /^nano: [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
     /^nano: skipped/ { s += 1 }
     /^Test Run Aborted\.$/ { f += 1 }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
