#!/usr/bin/env bash
# The nano lane: Core's tests on the real nanoFramework runtime (docs/nano-lane.md).
# Builds firmware/NodeFirmware.Core.NanoTests, turns the assemblies into .pe files with MetadataProcessor and runs
# them on nanoCLR with nanoFramework.TestFramework's launcher. The runner exits 0 whatever happens and prints
# nothing for an uncaught exception, so this script decides: any "Test failed" line, a missing summary line, a
# missing "Done.", or a run past the timeout is a failure. Last line: "nano: N passed, N failed".
#   test-nano.sh              run the lane (skips with one line when NANOCLR_HOME has no runtime)
#   test-nano.sh --self-test  also prove that a wrong vector, a thrown exception and a hang each turn it red
set -uo pipefail
cd "$(dirname "$0")/../.."

. tools/scripts/nano-env.sh
timeout_s=${NANO_TIMEOUT_SECONDS:-300}
if [ -n "$nano_missing" ]; then
  echo "nano: skipped: no nanoCLR toolchain at $nano_home ($nano_missing missing; set NANOCLR_HOME, see docs/nano-lane.md)"
  exit 0
fi

# build_and_run OUT_DIR [FAULT]: prints the launcher's lines; sets $passed, $failed and $problem.
build_and_run() {
  local out=$1 fault=${2:-}
  rm -rf "$out"
  if ! bash tools/scripts/nano-pe.sh firmware/NodeFirmware.Core.NanoTests "$out" -p:NanoFault="$fault" > "$out.pe-list" 2> "$out.errors"; then
    cat "$out.errors"; problem=$(tail -1 "$out.errors"); passed=0; failed=0; return
  fi
  local status=0
  timeout --kill-after=10 "$timeout_s" "$nano_runner" "$nano_lib/mscorlib.pe" "$nano_lib/nanoFramework.TestFramework.pe" \
    "$nano_lib/nanoFramework.UnitTestLauncher.pe" $(cat "$out.pe-list") > "$out/run.log" 2>&1 || status=$?
  tr -d '\r' < "$out/run.log" | sed -n '/^Ready\.$/,$p' | grep -v '^Ready\.$' > "$out/output.log"
  grep -E '^(Test (passed|failed|skipped),|vector failed|vectors: |nano-vectors: )' "$out/output.log"
  passed=$(grep -c '^Test passed,' "$out/output.log")
  failed=$(grep -c '^Test failed,' "$out/output.log")
  local files
  files=$(ls firmware/vectors/*.vec | wc -l)
  [ "$fault" = vector ] && files=$((files + 1))
  problem=""
  # MetadataProcessor writes a broken .pe without a word when a table outgrows its 16-bit offsets; nanoCLR then
  # lists the assembly under a wrong name and runs nothing from it.
  local pe missing_asm=""
  for pe in $(cat "$out.pe-list"); do
    tr -d '\r' < "$out/run.log" | grep -q "Assembly: $(basename "$pe" .pe) (" || missing_asm="$missing_asm $(basename "$pe")"
  done
  if [ -n "$missing_asm" ]; then problem="nanoCLR did not load:$missing_asm (a .pe table over 64 KB?)"
  elif [ "$status" = 124 ] || [ "$status" = 137 ]; then problem="nanoCLR did not finish within ${timeout_s} s"
  elif [ "$status" != 0 ]; then problem="nanoCLR ended with status $status"
  elif [ "$failed" -gt 0 ]; then problem="$failed test(s) failed"
  elif ! grep -q "^nano-vectors: files $files of $files, cases [0-9]*, failed 0$" "$out/output.log"; then
    problem="no summary line for all $files vector files: the run stopped early or an exception went unreported"
  elif ! grep -q '^Done\.$' "$out/output.log"; then problem="nanoCLR did not reach the end of the program"
  elif [ "$passed" -eq 0 ]; then problem="no test ran"
  fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${1:-}" = "--self-test" ]; then
  for fault in vector throw hang; do
    [ "$fault" = hang ] && timeout_s=${NANO_SELFTEST_HANG_SECONDS:-20}
    build_and_run "$work/fault-$fault" "$fault" > /dev/null
    if [ -z "$problem" ]; then
      echo "nano: self-test FAILED: an injected '$fault' fault passed the lane"; echo "nano: 0 passed, 1 failed"; exit 1
    fi
    echo "nano: self-test: injected '$fault' fault is caught: $problem"
  done
  timeout_s=${NANO_TIMEOUT_SECONDS:-300}
fi

start=$(date +%s)
build_and_run "$work/lane"
echo "nano: ran in $(( $(date +%s) - start )) s on $(readlink -f "$nano_runner")"
if [ -n "$problem" ]; then
  echo "nano: FAILED: $problem"
  [ -f "$work/lane/output.log" ] && grep -v '^Test passed,' "$work/lane/output.log" | tail -40
  echo "nano: $passed passed, $((failed > 0 ? failed : 1)) failed"
  exit 1
fi
echo "nano: $passed passed, $failed failed"
