using System.Text;
using NodeFirmware.Nodectl.Flashing;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// Resets a board into its firmware through DTR/RTS, as on a DevKit (RTS pulls EN low, IO0 stays high), and reads
/// its console until the boot text says what the board is doing (<see cref="BoardBootText"/>) or the time is up.
/// </summary>
public static class BoardConsole
{
    public static readonly TimeSpan ResetHold = TimeSpan.FromMilliseconds(100);

    /// <summary>The reset; false when the port has no DTR/RTS (a pty, a bridge without modem lines): then it only listens.</summary>
    public static bool TryResetIntoFirmware(ISerialLink link)
    {
        try
        {
            link.DiscardInput();
            BootloaderReset.HardReset(link, ResetHold, Thread.Sleep);
            return true;
        }
        catch (FlashingException)
        {
            return false;
        }
    }

    /// <summary>The reset (when the port has DTR/RTS), then its boot text: the board as nodectl's messages describe it.</summary>
    public static BoardOnPort ResetAndListen(ISerialLink link, string port, string? board, TimeSpan listen)
    {
        bool reset = TryResetIntoFirmware(link);
        return new BoardOnPort(port, board, Listen(link, listen), reset);
    }

    /// <summary>Reads the console until a decisive line, or <paramref name="listen"/> has passed (at most 64 KB).</summary>
    public static BoardBootText Listen(ISerialLink link, TimeSpan listen)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        var deadline = DateTime.UtcNow + listen;
        int total = 0;
        while (total < 64 * 1024)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) break;
            int n = link.Read(buffer, left);
            if (n == 0) continue;
            total += n;
            text.Append(Encoding.Latin1.GetString(buffer, 0, n));
            var seen = new BoardBootText(text.ToString());
            if (seen.State != BoardBootState.Unknown)
            {
                // The rest of the line (an id) and a moment for a REBOOT's text to settle.
                n = link.Read(buffer, TimeSpan.FromMilliseconds(50));
                if (n > 0) text.Append(Encoding.Latin1.GetString(buffer, 0, n));
                break;
            }
        }

        return new BoardBootText(text.ToString());
    }
}
