using NodeSim.RomBootloader;
using NodeSim.RomBootloader.Rfc2217;

namespace NodeFirmware.Nodectl.Tests.Flashing.EsptoolJs;

/// <summary>
/// One simulated ESP32 served over RFC 2217 on 127.0.0.1, as esptool-js reaches it, plus a folder for the files
/// the script reads and writes.
/// </summary>
internal sealed class SimulatedBoard : IDisposable
{
    private readonly RomRfc2217Server _server;
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("esptool-js-");

    public SimulatedBoard(SimulatedRomOptions? options = null)
    {
        _server = new RomRfc2217Server(options);
    }

    public SimulatedRomBootloader Sim => _server.Sim;

    public string Port => _server.Url;

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
        _server.Dispose();
        _files.Delete(recursive: true);
    }
}
