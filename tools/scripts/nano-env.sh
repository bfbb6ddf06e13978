# Sourced by the scripts that use nanoCLR: where the toolchain is (docs/nano-lane.md) and whether it is whole.
# Sets nano_home, nano_runner, nano_mdp, nano_lib; nano_missing names the first missing piece, or is empty.
nano_home=${NANOCLR_HOME:-$HOME/.cache/nanoclr}
nano_runner=$nano_home/bin/nanoclr
nano_mdp=$nano_home/mdp/nanoFramework.Tools.MetadataProcessor.Console.dll
nano_lib=$nano_home/lib
nano_missing=""
for _needed in "$nano_runner" "$nano_mdp" "$nano_lib/mscorlib.pe" "$nano_lib/mscorlib.dll" \
               "$nano_lib/nanoFramework.TestFramework.dll" "$nano_lib/nanoFramework.TestFramework.pe" \
               "$nano_lib/nanoFramework.UnitTestLauncher.pe"; do
  [ -e "$_needed" ] || { nano_missing=$_needed; break; }
done
# MetadataProcessor orders types with the current culture; invariant globalization changes the .pe it writes.
unset DOTNET_SYSTEM_GLOBALIZATION_INVARIANT
