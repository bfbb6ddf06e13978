using NodeFirmware.HostCommon.Boards;
using Spectre.Console;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// What the flash commands reach outside themselves: the board catalog, the serial port, the console and the
/// error stream. The defaults are the real ones; tests put the simulator behind <see cref="Open"/>.
/// </summary>
public sealed record FlashCommandEnvironment(
    Func<BoardCatalog> Catalog,
    Func<string, (EspRomClient Client, IDisposable Port)> Open,
    IAnsiConsole Console,
    TextWriter Error)
{
    public static FlashCommandEnvironment Default() => new(
        BoardCatalog.Default,
        portName =>
        {
            var link = new SerialPortLink(portName);
            return (new EspRomClient(link), link);
        },
        AnsiConsole.Console,
        System.Console.Error);

    /// <summary>Opens the port, runs <paramref name="run"/> and closes it; a port that cannot be opened is exit code 1.</summary>
    public int WithPort(string portName, Func<EspRomClient, int> run)
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
            Error.WriteLine($"flash: {e.Message}");
            return 1;
        }
    }
}
