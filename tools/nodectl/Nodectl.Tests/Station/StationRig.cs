using System.Net;
using System.Net.Sockets;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Station;
using NodeFirmware.Nodectl.Tests.Flashing;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeFirmware.Nodectl.Tests.Provisioning;
using NodeSim.Board;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Station;

/// <summary>
/// A factory line for `nodectl station` tests: a CA, several whole simulated DevKits (unflashed, each with its own MAC)
/// on RFC 2217 ports, the board's images in a folder, and the real receiver reading revocation from the same PKI store.
/// </summary>
internal sealed class StationRig : IDisposable
{
    /// <summary>
    /// Provisioning timings with room for several boards and the receiver sharing a loaded machine: replies wait longer
    /// than the single-board tests' (a timeout only costs time when a board does not answer).
    /// </summary>
    public static readonly ProvisioningClientOptions Client = SimulatedBoardPort.Client with
    {
        ReplyTimeout = TimeSpan.FromSeconds(3), StorageReplyTimeout = TimeSpan.FromSeconds(5), Attempts = 3, BootListen = TimeSpan.FromSeconds(10),
    };

    /// <param name="fit">What board N (from 0) is built with beyond its own MAC, e.g. no sensor; null: every board as shipped.</param>
    public StationRig(int boards, bool receiver = true, Func<int, SimulatedBoardOptions, SimulatedBoardOptions>? fit = null)
    {
        Rig = new ProvisioningRig();
        SimulatedBoardPort.WriteImages(Rig.Directory);
        for (int i = 0; i < boards; i++)
        {
            var options = new SimulatedBoardOptions { Rom = new SimulatedRomOptions { Mac = [0x24, 0x0A, 0xC4, 0x51, 0x00, (byte)(0x10 + i)] } };
            Boards.Add(new SimulatedBoardPort(fit is null ? options : fit(i, options)));
        }
        Environment = new Dictionary<string, string> { ["FACTORY_WIFI"] = ProvisioningRig.WifiPassphrase, ["NODECTL_OPERATOR"] = "line-operator" };
        if (receiver)
        {
            string passphraseFile = Path.Combine(Rig.Directory, "ca-passphrase");
            File.WriteAllText(passphraseFile, ProvisioningRig.CaPassphrase + "\n");
            Receiver = RealReceiver.Start(LoopbackPort.Free(), Path.Combine(Rig.Directory, "receiver.db"), Rig.PkiDirectory, passphraseFile);
            Environment[ReceiverRegistry.TokenVariable] = Receiver.CreateToken("provisioner");
        }
        ReportDirectory = Path.Combine(Rig.Directory, "reports");
    }

    public ProvisioningRig Rig { get; }
    public List<SimulatedBoardPort> Boards { get; } = [];
    /// <summary>The real receiver; null when the rig was made without one (the test then gives its own registry).</summary>
    public RealReceiver? Receiver { get; }
    public Dictionary<string, string> Environment { get; }
    public string ReportDirectory { get; }


    /// <summary>`nodectl station` with these arguments, on a plain console (or, with <paramref name="terminal"/>, an interactive one) whose text is returned.</summary>
    public (int Exit, string Out, string Err) Run(string[] args, Func<Uri, string?, IDeviceRegistry>? openRegistry = null, Func<string>? caPassphrase = null,
        bool terminal = false)
    {
        var (console, text) = TestConsole.Create();
        if (terminal)
        {
            text = new StringWriter();
            console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
            {
                Ansi = Spectre.Console.AnsiSupport.Yes, Interactive = Spectre.Console.InteractionSupport.Yes, Out = new Spectre.Console.AnsiConsoleOutput(text),
            });
        }
        var command = StationCommand.Create(caPassphrase ?? (() => ProvisioningRig.CaPassphrase), name => Environment.TryGetValue(name, out var v) ? v : null,
            CommandRunner.Catalog, console, Client, openRegistry);
        var (exit, output, error) = CommandRunner.Run(command, args);
        return (exit, text + output, error);
    }

    /// <summary>The station's arguments for <paramref name="ports"/>, each given with its own --port.</summary>
    public string[] Arguments(IEnumerable<string> ports) =>
    [
        "station", .. ports.SelectMany(p => new[] { "--port", p }), "--board", SimulatedBoardPort.BoardName, "--images-dir", Rig.Directory,
        "--ca-dir", Rig.PkiDirectory, "--broker", "127.0.0.1:8883", "--wifi-ssid", "greenhouse", "--wifi-pass-env", "FACTORY_WIFI",
        "--release-pubkey", Rig.ReleaseKeyPath, "--receiver", Receiver?.BaseUrl ?? "http://127.0.0.1:9/", "--tags", "greenhouse-3", "--station", "line-2",
        "--report-dir", ReportDirectory,
    ];

    public List<UnitReport> Reports() =>
        Directory.GetFiles(ReportDirectory, "unit-*.json").Select(UnitReport.Read).OrderBy(r => r.Unit).ToList();

    public void Dispose()
    {
        Receiver?.Dispose();
        foreach (var board in Boards) board.Dispose();
        Rig.Dispose();
    }
}
