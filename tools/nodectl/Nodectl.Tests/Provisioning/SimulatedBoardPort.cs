using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Tests.Flashing;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.Board;
using NodeSim.RomBootloader.Rfc2217;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// A whole simulated ESP32 DevKit (nodesim's <see cref="SimulatedBoard"/>: ROM, boot from flash, firmware) on an
/// RFC 2217 server on 127.0.0.1, the way `nodesim board --rfc2217` serves it: nodectl reaches it with
/// --port rfc2217://127.0.0.1:PORT and resets it through DTR/RTS.
/// </summary>
internal sealed class SimulatedBoardPort : IDisposable
{
    public const string BoardName = "esp32-devkitc-v4";

    public static readonly ProvisioningClientOptions Client = ProvisioningRig.FastClient with { BootListen = TimeSpan.FromSeconds(2) };

    public SimulatedBoardPort(SimulatedBoardOptions? options = null)
    {
        Server = new RomRfc2217Server(transmit => new SimulatedBoard(transmit, options), new RomRfc2217ServerOptions());
        Board = (SimulatedBoard)Server.Chip;
    }

    public RomRfc2217Server Server { get; }

    public SimulatedBoard Board { get; }

    public string Url => Server.Url;

    /// <summary>The board's flash layout, as `nodesim images` writes it, in <paramref name="folder"/>.</summary>
    public static void WriteImages(string folder)
    {
        foreach (var (file, bytes) in StandInImages.For(CommandRunner.Catalog().Load(BoardName)))
            File.WriteAllBytes(Path.Combine(folder, file), bytes);
    }

    /// <summary>The flash as `nodectl flash --board` leaves it, put in place directly (quicker than flashing).</summary>
    public SimulatedBoardPort Flashed()
    {
        var board = CommandRunner.Catalog().Load(BoardName);
        var files = StandInImages.For(board);
        foreach (var placement in board.FlashLayout.Images) Board.Flash.Load(placement.Offset, files[placement.File]);
        return this;
    }

    /// <summary>`nodectl flash ...` against this port, its console captured.</summary>
    public (int Exit, string Out, string Err) Flash(params string[] args)
    {
        var (console, text) = TestConsole.Create();
        var errors = new StringWriter();
        var env = FlashCommandEnvironment.Default() with { Catalog = CommandRunner.Catalog, Console = console, Error = errors };
        var (exit, output, err) = CommandRunner.Run(FlashCommand.Create(env), ["flash", .. args, "--port", Url]);
        return (exit, text + output, errors + err);
    }

    /// <summary>`nodectl provision --port rfc2217://... --board esp32-devkitc-v4 ...` with <paramref name="rig"/>'s CA.</summary>
    public (int Exit, string Out, string Err) Provision(ProvisioningRig rig, params string[] extra)
    {
        var env = new Dictionary<string, string> { ["FACTORY_WIFI"] = ProvisioningRig.WifiPassphrase, ["NODECTL_OPERATOR"] = "test-operator" };
        var command = ProvisionCommand.Create(() => ProvisioningRig.CaPassphrase, name => env.TryGetValue(name, out var v) ? v : null, Client);
        return CommandRunner.Run(command,
        [
            "provision", "--port", Url, "--board", BoardName, "--ca-dir", rig.PkiDirectory, "--broker", "127.0.0.1:8883", "--wifi-ssid", "greenhouse",
            "--wifi-pass-env", "FACTORY_WIFI", "--release-pubkey", rig.ReleaseKeyPath, "--station", "line-2", .. extra,
        ]);
    }

    /// <summary>The firmware running now, waiting through a restart in progress (a REBOOT at the end of provisioning).</summary>
    public NodeSim.Provisioning.VirtualProvisioningNode RunningFirmware() => FirmwareAfter(-1);

    /// <summary>The firmware of the first boot from flash after boot number <paramref name="boots"/> (a reset's EN rises through its RC delay).</summary>
    public NodeSim.Provisioning.VirtualProvisioningNode FirmwareAfter(int boots)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (Board.Boots > boots && Board.Firmware is { } firmware) return firmware;
            Thread.Sleep(10);
        }
        throw new TimeoutException($"the board did not boot its firmware after boot {boots} (now {Board.Boots})");
    }

    public void Dispose() => Server.Dispose();
}
