using NodeFirmware.Nodectl.Flashing;
using Spectre.Console;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>Ctrl-C mid-flash (the SIGINT handler cancels FlashRequest.Interrupt): the cursor is shown again and the operator told what is left.</summary>
public sealed class FlashInterruptTests
{
    private const string HideCursor = "\u001b[?25l";
    private const string ShowCursor = "\u001b[?25h";

    [Fact]
    public void Interrupt_mid_write_stops_restores_the_cursor_and_says_to_flash_again()
    {
        using var rig = new RomRig();
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 1000; // no wrapping
        var app = new FlashImage(0x10000, Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 31)).ToArray(), "app.bin");
        using var ctrlC = new CancellationTokenSource();
        int blocks = 0;
        var request = new FlashRequest([app], 115200, Compress: false, Verify: false, FlashSize: 4 * 1024 * 1024, Full: true,
            Interrupt: ctrlC.Token, OnProgress: _ =>
            {
                if (++blocks == 3)
                {
                    ctrlC.Cancel();
                }
            });

        int exit = FlashRunner.Flash(rig.Client, request, console);

        Assert.Equal(FlashInterruptedException.ExitCode, exit);
        string output = text.ToString();
        Assert.Contains("interrupted (Ctrl-C) while writing app.bin", output);
        Assert.Contains("flash it again", output);
        Assert.Contains(HideCursor, output); // the progress display did hide it...
        Assert.True(output.LastIndexOf(ShowCursor) > output.LastIndexOf(HideCursor), "the cursor is left hidden");
        Assert.Equal(3, blocks);
        Assert.False(rig.Sim.Flash.Read(0x10000, app.Data.Length).SequenceEqual(app.Data)); // stopped: not all written
    }
}
