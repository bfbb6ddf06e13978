using System.Buffers.Binary;
using System.Globalization;
using NodeSim.RomBootloader;
using NodeSim.RomBootloader.Rfc2217;
using NodeSim.Tests.Support;

namespace NodeSim.Tests.RomBootloader;

/// <summary>
/// Espressif's Python esptool drives the served simulated ESP32 with its default reset and without its stub (the
/// ROM loader only); every result is compared with the simulator's flash or RAM. Runs when ESPTOOL is set.
/// </summary>
public sealed class EsptoolOverRfc2217Tests : IDisposable
{
    private const int ChipSize = 4 * 1024 * 1024;
    private const int Sector = 0x1000;

    private readonly RomRfc2217Server _server = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    [EsptoolFact]
    public void Chip_id_read_mac_and_flash_id_report_the_simulated_chip()
    {
        string chip = Esptool.Ok(_server.Url, _dir.Path, "chip_id");
        string mac = Esptool.Ok(_server.Url, _dir.Path, "read_mac");
        string flash = Esptool.Ok(_server.Url, _dir.Path, "flash_id");

        Assert.Contains("Chip is ESP32", chip);
        Assert.Contains("Crystal is 40MHz", chip);
        Assert.Contains("MAC: 24:0a:c4:5e:71:9b", mac);
        Assert.Contains("Manufacturer: ef", flash);
        Assert.Contains("Device: 4016", flash);
        Assert.Contains("Detected flash size: 4MB", flash);
    }

    [EsptoolFact]
    public void Compressed_write_of_several_regions_lands_byte_for_byte_and_leaves_the_neighbours()
    {
        WriteAndCompare(compress: true);
    }

    [EsptoolFact]
    public void Plain_write_of_several_regions_lands_byte_for_byte_and_leaves_the_neighbours()
    {
        WriteAndCompare(compress: false);
    }

    [EsptoolFact]
    public void Verify_flash_passes_on_the_written_image_and_fails_on_a_changed_byte()
    {
        var image = Data(9000, seed: 7);
        string file = Save("verify.bin", image);
        Esptool.Ok(_server.Url, _dir.Path, "write_flash", "--flash_size", "keep", "0x40000", file);

        string ok = Esptool.Ok(_server.Url, _dir.Path, "verify_flash", "0x40000", file);
        _server.Sim.Flash.Load(0x40000 + 1234, new[] { (byte)~image[1234] });
        var (exit, failed) = Esptool.Run(_server.Url, _dir.Path, "verify_flash", "0x40000", file);

        Assert.Contains("verify OK", ok);
        Assert.NotEqual(0, exit);
        Assert.Contains("verify FAILED", failed);
    }

    [EsptoolFact]
    public void Read_flash_through_the_rom_slow_read_returns_the_simulators_bytes()
    {
        var preset = Data(300, seed: 3);
        _server.Sim.Flash.Load(0x7F0F0, preset); // crosses a sector boundary

        Esptool.Ok(_server.Url, _dir.Path, "read_flash", "0x7F0F0", "300", "read.bin");

        Assert.Equal(preset, File.ReadAllBytes(Path.Combine(_dir.Path, "read.bin")));
    }

    [EsptoolFact]
    public void Erase_region_in_rom_mode_erases_exactly_its_sectors()
    {
        // esptool 4.12 erases through FLASH_BEGIN with the ROM loader (it has no ERASE_REGION).
        _server.Sim.Flash.Load(0x50000, Data(0x4000, seed: 5));
        var before = _server.Sim.Flash.Contents.ToArray();

        string output = Esptool.Ok(_server.Url, _dir.Path, "erase_region", "0x51000", "0x2000");

        Assert.Contains("Erase completed successfully", output);
        var after = _server.Sim.Flash.Contents.ToArray();
        Assert.True(after.AsSpan(0x51000, 0x2000).IndexOfAnyExcept((byte)0xFF) < 0, "the region reads erased");
        Assert.Equal(before.AsSpan(0, 0x51000).ToArray(), after.AsSpan(0, 0x51000).ToArray());
        Assert.Equal(before.AsSpan(0x53000).ToArray(), after.AsSpan(0x53000).ToArray());
    }

    [EsptoolFact]
    public void Load_ram_puts_the_segments_in_ram_and_read_mem_reads_them_back()
    {
        var iram = Data(0x1800 + 0x0A30, seed: 11); // two MEM_DATA blocks of esptool's 0x1800
        var dram = Data(64, seed: 12);
        string file = Save("ram.bin", Esp32RamImage.Build(0x40080400, (0x40080000, iram), (0x3FFB0000, dram)));

        string loaded = Esptool.Ok(_server.Url, _dir.Path, "load_ram", file);
        string word = Esptool.Ok(_server.Url, _dir.Path, "read_mem", "0x40081804");

        Assert.Contains("All segments done, executing at 40080400", loaded);
        for (int i = 0; i < iram.Length; i++)
        {
            Assert.Equal(iram[i], _server.Sim.ReadRam(0x40080000 + (uint)i));
        }

        Assert.Equal(dram[63], _server.Sim.ReadRam(0x3FFB0000 + 63));
        uint expected = BinaryPrimitives.ReadUInt32LittleEndian(iram.AsSpan(0x1804));
        Assert.Contains($"0x40081804 = 0x{expected:x8}", word);
    }

    [EsptoolFact]
    public void At_921600_baud_the_chip_follows_esptools_compensated_rate()
    {
        var image = Data(50_000, seed: 13);
        string file = Save("fast.bin", image);

        // --after no_reset: the chip stays in the loader at the new rate, where the test can see it.
        string output = Esptool.Ok(_server.Url, _dir.Path, "--baud", "921600", "--after", "no_reset", "write_flash", "--flash_size", "keep", "0x100000", file);

        Assert.Contains("Changing baud rate to 921600", output);
        Assert.InRange(_server.Sim.ChipBaudRate, 921600 * 0.99, 921600 * 1.01);
        Assert.Equal(image, _server.Sim.Flash.Read(0x100000, image.Length).ToArray());
    }

    /// <summary>
    /// Several regions in one write_flash: one over flash that is not blank, one not a multiple of 4 bytes long,
    /// one ending in the chip's last sector. --flash_size keep: esptool leaves image headers alone.
    /// </summary>
    private void WriteAndCompare(bool compress)
    {
        _server.Sim.Flash.Load(0x10000, Data(0x30000, seed: 1)); // old contents under the second region and around it
        var regions = new (int Offset, byte[] Data)[]
        {
            (0x1000, Data(0x5A31, seed: 2)),
            (0x18000, Data(70_001, seed: 3)),
            (ChipSize - 0x7000, Data(0x6F00, seed: 4)),
        };
        var before = _server.Sim.Flash.Contents.ToArray();
        var arguments = new List<string> { "write_flash", "--flash_size", "keep" };
        if (!compress)
        {
            arguments.Add("--no-compress");
        }

        foreach (var (offset, data) in regions)
        {
            arguments.Add($"0x{offset:X}");
            arguments.Add(Save($"region-{offset:X}.bin", data));
        }

        string output = Esptool.Ok(_server.Url, _dir.Path, arguments.ToArray());

        Assert.Equal(3, Count(output, "Hash of data verified."));
        var after = _server.Sim.Flash.Contents.ToArray();
        var touched = new bool[ChipSize];
        foreach (var (offset, data) in regions)
        {
            Assert.Equal(data, after.AsSpan(offset, data.Length).ToArray());
            int sectorEnd = (offset + data.Length + Sector - 1) / Sector * Sector;
            Assert.True(after.AsSpan(offset + data.Length, sectorEnd - offset - data.Length).IndexOfAnyExcept((byte)0xFF) < 0,
                $"the rest of the last sector of the region at 0x{offset:X} reads erased");
            touched.AsSpan(offset, sectorEnd - offset).Fill(true);
        }

        int changedOutside = Enumerable.Range(0, ChipSize).Count(i => !touched[i] && before[i] != after[i]);
        Assert.True(changedOutside == 0, $"{changedOutside} bytes changed outside the written sectors");
    }

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;

    private string Save(string name, byte[] data)
    {
        string path = Path.Combine(_dir.Path, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    /// <summary>Half random, half repeated patterns, so compression has something to do.</summary>
    private static byte[] Data(int length, int seed)
    {
        var random = new Random(seed);
        var data = new byte[length];
        random.NextBytes(data);
        for (int at = 0; at < length; at += 512)
        {
            data.AsSpan(at, Math.Min(256, length - at)).Fill((byte)(at / 512));
        }

        return data;
    }
}
