using System.CommandLine;
using NodeFirmware.HostCommon.Boards;
using Spectre.Console;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// What the flash commands reach outside themselves: the board catalog, the serial port, the console and the
/// error stream (null: the invocation's), and the console for human text under --json (null: <see cref="Console"/>;
/// the real one is stderr, so stdout carries only the JSON). The defaults are the real ones; tests put the simulator
/// behind <see cref="Open"/>.
/// </summary>
public sealed record FlashCommandEnvironment(
    Func<BoardCatalog> Catalog,
    Func<string, (EspRomClient Client, IDisposable Port)> Open,
    IAnsiConsole Console,
    TextWriter? Error = null,
    IAnsiConsole? JsonModeConsole = null)
{
    public static FlashCommandEnvironment Default() => new(
        BoardCatalog.Default,
        portName =>
        {
            var link = SerialLinks.Open(portName);
            return (new EspRomClient(link), link);
        },
        AnsiConsole.Console,
        JsonModeConsole: AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) }));

    /// <summary>Where human-readable text goes: stdout normally, elsewhere under --json.</summary>
    public IAnsiConsole ConsoleFor(bool json) => json ? JsonModeConsole ?? Console : Console;

    public TextWriter ErrorFor(ParseResult parseResult) => Error ?? parseResult.InvocationConfiguration.Error;

    /// <summary>Opens the port, runs <paramref name="run"/> and closes it; a port that cannot be opened is exit code 1.</summary>
    public int WithPort(ParseResult parseResult, string portName, Func<EspRomClient, int> run, FlashRunReport? outcome = null)
    {
        try
        {
            var (client, port) = Open(portName);
            using (port)
            {
                return run(client);
            }
        }
        catch (FlashingException e)
        {
            if (outcome is not null)
            {
                outcome.Error = e.Message;
            }

            ErrorFor(parseResult).WriteLine($"flash: {e.Message}");
            return 1;
        }
    }
}
