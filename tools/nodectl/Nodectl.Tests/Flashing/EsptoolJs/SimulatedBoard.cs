using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing.EsptoolJs;

/// <summary>
/// One simulated ESP32 reachable by esptool-js (through the TCP bridge), plus a folder for the files the script
/// reads and writes.
/// </summary>
internal sealed class SimulatedBoard : IDisposable
{
    private readonly RomBootloaderTcpBridge _bridge;
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("esptool-js-");

    public SimulatedBoard(SimulatedRomOptions? options = null)
    {
        _bridge = new RomBootloaderTcpBridge(options);
    }

    public SimulatedRomBootloader Sim => _bridge.Sim;

    public string Port => _bridge.Port.ToString();

    public string File(string name, byte[] contents)
    {
        string path = Path.Combine(_files.FullName, name);
        System.IO.File.WriteAllBytes(path, contents);
        return path;
    }

    public string PathOf(string name) => Path.Combine(_files.FullName, name);

    /// <summary>Fills the whole flash with old contents (no 4-byte run of 0xFF), so every erase and write shows.</summary>
    public RomFlashModel FillFlash(int seed)
    {
        var old = new byte[Sim.Flash.Size];
        new Random(seed).NextBytes(old);
        for (int i = 0; i < old.Length; i += 4)
        {
            old[i] &= 0x7F;
        }

        Sim.Flash.Load(0, old);
        return new RomFlashModel(old);
    }

    public System.Text.Json.JsonElement Run(string scenario, params string[] arguments) =>
        EsptoolJsScript.Run(Port, scenario, arguments).Report();

    public EsptoolJsScript.Outcome Start(string scenario, params string[] arguments) =>
        EsptoolJsScript.Run(Port, scenario, arguments);

    public void Dispose()
    {
        _bridge.Dispose();
        _files.Delete(recursive: true);
    }
}
