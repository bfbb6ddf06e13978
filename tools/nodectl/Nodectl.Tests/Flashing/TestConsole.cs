using Spectre.Console;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>A plain-text console whose output a test reads back.</summary>
internal static class TestConsole
{
    public static (IAnsiConsole Console, StringWriter Text) Create()
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 1000; // no wrapping, so tests can look for whole sentences
        return (console, text);
    }
}
