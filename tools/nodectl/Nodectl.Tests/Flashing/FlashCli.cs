using System.CommandLine;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Tests.Partitions;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>
/// Runs "nodectl flash ..." in-process with the simulated board behind --port, capturing what it prints and
/// whether the port was opened at all (a refusal must come before that).
/// </summary>
internal sealed class FlashCli
{
    private readonly RomRig? _rig;

    public FlashCli(RomRig? rig = null)
    {
        _rig = rig;
    }

    public bool PortOpened { get; private set; }

    public (int Exit, string Out, string Err) Run(params string[] args)
    {
        var (console, text) = TestConsole.Create();
        var errors = new StringWriter();
        var env = new FlashCommandEnvironment(
            CommandRunner.Catalog,
            _ =>
            {
                PortOpened = true;
                var rig = _rig ?? throw new FlashingException("cannot open serial port: no board in this test");
                return (rig.Client, new NoDispose());
            },
            console,
            errors);
        var root = new RootCommand("test") { FlashCommand.Create(env) };
        var parseErrors = new StringWriter();
        int exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = parseErrors, Error = parseErrors });
        return (exit, text.ToString(), errors.ToString() + parseErrors);
    }

    /// <summary>The rig owns the link; the command must not close it.</summary>
    private sealed class NoDispose : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
