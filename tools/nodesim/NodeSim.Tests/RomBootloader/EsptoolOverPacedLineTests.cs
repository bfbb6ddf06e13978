using NodeSim.RomBootloader;
using NodeSim.RomBootloader.Rfc2217;
using NodeSim.RomBootloader.Uart;
using NodeSim.Tests.Support;

namespace NodeSim.Tests.RomBootloader;

/// <summary>
/// Espressif's esptool through a paced line (<see cref="RomRfc2217ServerOptions.PaceAtBaudRate"/>), as `bench flash`
/// runs it: its reset, the switch to a faster baud rate and a compressed write keep working when the chip answers
/// only as fast as the line, and the write takes at least the line time of what it sent. Runs when ESPTOOL is set.
/// </summary>
public sealed class EsptoolOverPacedLineTests : IDisposable
{
    private const int Baud = 460800;

    private readonly RomRfc2217Server _server = new(options: new RomRfc2217ServerOptions { PaceAtBaudRate = true });
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    [EsptoolFact]
    public void Compressed_write_at_460800_baud_lands_and_takes_at_least_its_line_time()
    {
        var image = FirmwareLikeImage.Create(21, 96 * 1024);
        string file = Path.Combine(_dir.Path, "app.bin");
        File.WriteAllBytes(file, image);

        string output = Esptool.Ok(_server.Url, _dir.Path, "--chip", "esp32", "--baud", $"{Baud}", "--after", "no_reset",
            "write_flash", "--compress", "--flash_size", "keep", "0x10000", file);

        Assert.Contains("Hash of data verified.", output);
        Assert.True(_server.Sim.Flash.Read(0x10000, image.Length).SequenceEqual(image));
        Assert.True(_server.Sim.Traffic.RequestsFor(RomWire.FLASH_DEFL_DATA) > 0);
        // Everything after the first SYNC went at no more than 460800 baud (the sync itself at 115200 even slower).
        var floor = PacedSerialLine.LineTime(_server.Sim.Traffic.BytesFromHost, Baud);
        var window = _server.Activity.Window;
        Assert.NotNull(window);
        Assert.True(window >= floor, $"esptool's session took {window.Value.TotalMilliseconds:0} ms on the chip's line, under the {floor.TotalMilliseconds:0} ms its {_server.Sim.Traffic.BytesFromHost} bytes need at {Baud} baud");
    }
}
