#!/usr/bin/env bash
# nano-pe.sh PROJECT OUT_DIR [MSBUILD_ARGS...]: builds a nanoFramework project (firmware/nano.props) into
# OUT_DIR/dll and turns each of its assemblies, except the toolchain's own, into OUT_DIR/NAME.pe with
# MetadataProcessor, referenced assemblies first. Prints the .pe paths; on failure, the log and a reason, exit 1.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tools/scripts/nano-env.sh
project=$1 out=$2
shift 2
[ -z "$nano_missing" ] || { echo "nano-pe: no nanoCLR toolchain: $nano_missing missing" >&2; exit 1; }
mkdir -p "$out"
if ! dotnet build "$project" -c Release -nologo -clp:ErrorsOnly -p:NanoClrHome="$nano_home" -o "$out/dll" "$@" > "$out/build.log" 2>&1; then
  cat "$out/build.log" >&2; echo "nano-pe: $project did not build" >&2; exit 1
fi
hints=(-loadHints mscorlib "$nano_lib/mscorlib.dll" -loadHints nanoFramework.TestFramework "$nano_lib/nanoFramework.TestFramework.dll")
# Dependency order: Core, the vector checks, the vector data, then the test or program assembly.
for dll in $(ls "$out/dll"/*.dll | grep -v -e /mscorlib.dll -e /nanoFramework.TestFramework.dll | \
             awk '/NodeFirmware.Core.Nano.dll$/ || /ApiSurface.dll$/ {print 0, $0; next} /NodeFirmware.Core.Vectors.dll$/ {print 1, $0; next}
                  /NodeFirmware.Core.VectorData\./ {print 2, $0; next} {print 3, $0}' | sort | cut -d' ' -f2); do
  name=$(basename "$dll" .dll)
  if ! dotnet "$nano_mdp" "${hints[@]}" -parse "$dll" -compile "$out/$name.pe" false > "$out/mdp-$name.log" 2>&1; then
    cat "$out/mdp-$name.log" >&2; echo "nano-pe: MetadataProcessor could not convert $name.dll" >&2; exit 1
  fi
  hints+=(-loadHints "$name" "$dll")
  echo "$out/$name.pe"
done
