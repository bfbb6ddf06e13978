// nodectl: the factory line's CLI. Each command group lives in its own folder and exposes Create().
using System.CommandLine;

var root = new RootCommand("nodectl: flash, provision and manage NodeFirmware devices");
foreach (var command in NodeFirmware.Nodectl.CommandCatalog.All())
{
    root.Subcommands.Add(command);
}
return root.Parse(args).Invoke();
