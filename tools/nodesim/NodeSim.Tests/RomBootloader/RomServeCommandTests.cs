using System.Text.Json;
using NodeSim.RomBootloader;
using NodeSim.Tests.Support;

namespace NodeSim.Tests.RomBootloader;

/// <summary>The serving commands of tools/nodesim/README.md, run as written (a free port, files in a temp folder).</summary>
public sealed class RomServeCommandTests : IDisposable
{
    private const string DocumentedPort = "127.0.0.1:4000";
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "RomBootloader", "rom_over_rfc2217.py");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [PySerialFact]
    public void Documented_rfc2217_command_preloads_the_image_serves_pyserial_and_dumps_the_flash_on_sigterm()
    {
        var image = Enumerable.Range(0, 0x10000).Select(i => (byte)(i % 253)).ToArray();
        File.WriteAllBytes(Path.Combine(_dir.Path, "flash.bin"), image);
        using var rom = new ServedRomProcess(DocumentedArguments("rom --rfc2217"));

        Assert.Matches(@"^rfc2217://127\.0\.0\.1:\d+$", rom.Served);
        using var seen = JsonDocument.Parse(PySerial.RunScript(Script, rom.Served, "full"));
        var (exit, stderr) = rom.Stop();

        Assert.True(exit == 0, stderr);
        Assert.Equal(Esp32RegisterFile.ESP32_MAGIC_VALUE, seen.RootElement.GetProperty("magic_at_921600").GetUInt32());
        var dump = File.ReadAllBytes(Path.Combine(_dir.Path, "flash-after.bin"));
        Assert.Equal(4 * 1024 * 1024, dump.Length);
        Assert.Equal(image, dump[..image.Length]);
        Assert.Equal(Enumerable.Range(0, 1024).Select(i => (byte)(i * 7)).ToArray(), dump[0x20000..0x20400]);
        Assert.True(dump.AsSpan(0x20400).IndexOfAnyExcept((byte)0xFF) < 0);
    }

    [PySerialFact]
    public void Documented_pty_command_serves_a_chip_waiting_in_download_mode()
    {
        using var rom = new ServedRomProcess(DocumentedArguments("rom --pty"));

        Assert.StartsWith("/dev/pts/", rom.Served);
        using var seen = JsonDocument.Parse(PySerial.RunScript(Script, rom.Served, "no-reset"));
        var (exit, stderr) = rom.Stop();

        Assert.True(exit == 0, stderr);
        Assert.Equal(Esp32RegisterFile.ESP32_MAGIC_VALUE, seen.RootElement.GetProperty("magic").GetUInt32());
        Assert.Equal(Esp32RegisterFile.ESP32_MAGIC_VALUE, seen.RootElement.GetProperty("magic_at_921600").GetUInt32());
    }

    [EsptoolFact]
    public void Documented_esptool_commands_flash_through_the_served_chip()
    {
        var app = Enumerable.Range(0, 30_000).Select(i => (byte)(i * 13 % 256)).ToArray();
        File.WriteAllBytes(Path.Combine(_dir.Path, "app.bin"), app);
        File.WriteAllBytes(Path.Combine(_dir.Path, "flash.bin"), new byte[] { 0xE9 });
        using (var rom = new ServedRomProcess(DocumentedArguments("rom --rfc2217")))
        {
            var (esptoolExit, output) = RunDocumentedEsptool("--port rfc2217://", rom.Served);
            var (exit, stderr) = rom.Stop();

            Assert.True(esptoolExit == 0, output);
            Assert.True(exit == 0, stderr);
        }

        var dump = File.ReadAllBytes(Path.Combine(_dir.Path, "flash-after.bin"));
        Assert.Equal(app, dump[0x10000..(0x10000 + app.Length)]);

        using var pty = new ServedRomProcess(DocumentedArguments("rom --pty"));
        var (ptyExit, ptyOutput) = RunDocumentedEsptool("--port /dev/pts/", pty.Served);
        pty.Stop();
        Assert.True(ptyExit == 0, ptyOutput);
        Assert.Contains("Detected flash size: 4MB", ptyOutput);
    }

    [Fact]
    public void Refusals_say_why_and_what_to_do_and_serve_nothing()
    {
        string big = Path.Combine(_dir.Path, "big.bin");
        File.WriteAllBytes(big, new byte[2 * 1024 * 1024]);

        var noMode = ExternalTool.Run("dotnet", new[] { ServedRomProcess.CliDll, "rom" }, TimeSpan.FromSeconds(60));
        var tooBig = ExternalTool.Run("dotnet", new[] { ServedRomProcess.CliDll, "rom", "--rfc2217", "127.0.0.1:0", "--flash-size", "1MB", "--image", big }, TimeSpan.FromSeconds(60));
        var badSize = ExternalTool.Run("dotnet", new[] { ServedRomProcess.CliDll, "rom", "--pty", "--flash-size", "3MB" }, TimeSpan.FromSeconds(60));

        Assert.Equal(2, noMode.Exit);
        Assert.Contains("give exactly one of --rfc2217 HOST:PORT or --pty", noMode.Stderr);
        Assert.Equal(2, tooBig.Exit);
        Assert.Contains("more than the 1MB flash; pass a larger --flash-size", tooBig.Stderr);
        Assert.Equal(2, badSize.Exit);
        Assert.Contains("use one of 1MB, 2MB, 4MB, 8MB, 16MB", badSize.Stderr);
        Assert.Equal("", noMode.Stdout + tooBig.Stdout + badSize.Stdout);
    }

    /// <summary>The README's `dotnet run ... -- rom ...` line that contains <paramref name="marker"/>, as arguments after `--`.</summary>
    private IEnumerable<string> DocumentedArguments(string marker)
    {
        string line = DocumentedLine(l => l.StartsWith("dotnet run --project tools/nodesim/NodeSim.Cli -- " + marker, StringComparison.Ordinal));
        return line[(line.IndexOf(" -- ", StringComparison.Ordinal) + 4)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a == DocumentedPort ? "127.0.0.1:0" : a)
            .Select(a => a.EndsWith(".bin", StringComparison.Ordinal) ? Path.Combine(_dir.Path, a) : a);
    }

    /// <summary>Runs the README's `python3 esptool.py ...` line that contains <paramref name="marker"/>, against <paramref name="served"/>.</summary>
    private (int Exit, string Output) RunDocumentedEsptool(string marker, string served)
    {
        string line = DocumentedLine(l => l.StartsWith("python3 esptool.py ", StringComparison.Ordinal) && l.Contains(marker, StringComparison.Ordinal));
        var arguments = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
        int port = arguments.IndexOf("--port");
        arguments[port + 1] = served;
        var (exit, stdout, stderr) = ExternalTool.Run(
            PySerial.Python, new[] { Esptool.Script! }.Concat(arguments), TimeSpan.FromMinutes(2), _dir.Path);
        return (exit, stdout + stderr);
    }

    private static string DocumentedLine(Func<string, bool> match)
    {
        string readme = Path.Combine(ServedRomProcess.TestsProjectDirectory, "..", "README.md");
        var lines = File.ReadAllLines(readme).Where(match).ToList();
        Assert.True(lines.Count == 1, $"expected one such command in {readme}, found {lines.Count}");
        return lines[0];
    }
}
