// nodesim: virtual NodeFirmware nodes (NodeFirmware.Core on simulated hardware) against a real broker.
using System.Diagnostics;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeFirmware.HostCommon.Boards;
using NodeSim.Cli;
using NodeSim.Fleet;
using NodeSim.Node;

if (args.Length > 0 && args[0] == "rom") return await RomServeCommand.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "board") return await RomServeCommand.RunAsync(args[1..], board: true);
if (args.Length > 0 && args[0] == "images") return StandInImagesCommand.Run(args[1..]);

CliOptions options;
try { options = CliOptions.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 2; }

string passphrase;
try { passphrase = NodeFirmware.HostCommon.Pki.CaPassphrase.FromEnvironment() ?? "nodesim demo fleet passphrase"; }
catch (NodeFirmware.HostCommon.Pki.PkiException e) { Console.Error.WriteLine(e.Message); return 2; }
var profile = BoardCatalog.Default().Load(options.Board).ToPowerProfile();
if (profile.BatteryCapacityMilliampHours <= 0) { Console.Error.WriteLine($"board {options.Board} has no battery; pick a battery board (e.g. firebeetle-esp32)"); return 2; }
// As provisioning does: the light/deep sleep threshold at the board's break-even.
var config = EnergyModel.TunedForBoard(new DeviceConfig { SampleIntervalSeconds = options.SampleSeconds, ReportIntervalSeconds = options.ReportSeconds }, profile);
string? invalid = ConfigValidator.Validate(config);
if (invalid != null) { Console.Error.WriteLine("invalid configuration: " + invalid); return 2; }

Directory.CreateDirectory(options.Directory);
using var cloud = LocalFleetBroker.Start(Path.GetFullPath(options.Directory), passphrase);
Console.WriteLine($"broker: mosquitto with mutual TLS on {cloud.Endpoint.Host}:{cloud.Endpoint.Port} (PKI in {cloud.Pki.Root})");

Process? receiver = null;
if (options.ReceiverTokenFile != null) ReceiverView.Token = File.ReadAllText(options.ReceiverTokenFile).Trim();
if (options.ReceiverCommand != null)
{
    string command = options.ReceiverCommand.Replace("{host}", cloud.Endpoint.Host).Replace("{port}", cloud.Endpoint.Port.ToString())
        .Replace("{pki}", cloud.Pki.Root).Replace("{dir}", Path.GetFullPath(options.Directory));
    receiver = Process.Start(new ProcessStartInfo("bash", ["-c", "exec " + command]) { UseShellExecute = false });
    Console.WriteLine($"receiver: started (pid {receiver?.Id})");
    if (options.ReceiverUrl != null && !await ReceiverView.WaitUntilUpAsync(options.ReceiverUrl, TimeSpan.FromSeconds(30)))
        Console.WriteLine($"receiver: no answer from {options.ReceiverUrl} yet; going on");
    await Task.Delay(TimeSpan.FromSeconds(2)); // its MQTT session subscribes right after it starts
}

await using var printer = await TelemetryPrinter.StartAsync(cloud.Endpoint, cloud.ObserverIdentity(), options.ShowReadings);
long hour = 3600_000L;
long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)(options.Hours * hour);
await using var fleet = new VirtualFleet(start);
var random = new Random(1);
for (int i = 0; i < options.Nodes; i++)
{
    string id = $"esp32-02000000{i:x4}";
    var certificate = cloud.IssueDevice(id);
    if (receiver != null && options.ReceiverUrl != null) await ReceiverView.RegisterAsync(options.ReceiverUrl, id, certificate.SerialNumber, options.Board);
    var node = fleet.Add(new VirtualNodeOptions
    {
        DeviceId = id, Certificate = certificate, Broker = cloud.Endpoint, PowerProfile = profile, Defaults = config, Seed = i + 1,
    }, random.Next(options.SampleSeconds * 1000));
    node.Environment.Set(18 + 6 * random.NextDouble(), 35 + 30 * random.NextDouble(), 98_000 + 5_000 * random.NextDouble());
    node.Environment.TemperatureNoiseSigma = 0.05;
    if (options.OutageHours > 0) node.Network.ScheduleOutage(start + (long)(options.Hours * hour / 3), TimeSpan.FromHours(options.OutageHours));
}

Console.WriteLine($"running {options.Nodes} virtual nodes for {options.Hours:0.#} virtual hours (sample every {options.SampleSeconds} s, report every {options.ReportSeconds} s)...");
var watch = Stopwatch.StartNew();
await fleet.RunUntilAsync(start + (long)(options.Hours * hour));
await Task.Delay(1000);
Console.WriteLine($"done in {watch.Elapsed.TotalSeconds:0.0} s real time");

Console.WriteLine();
Console.WriteLine("delivery (idempotency keys seen at the broker):");
foreach (var n in fleet.Nodes)
    Console.WriteLine($"  {n.DeviceId}: sampled {n.Journal.Sampled}, acknowledged {n.Journal.ReleasedThrough}, at the broker {printer.DistinctReadings(n.DeviceId)}, still in the journal {n.Journal.Pending}, boots {n.Boots}, connections {n.Connections}, failed {n.ConnectFailures}");
EnergyReport.Print(fleet.Nodes, profile, config, options.Hours, bytesPerBatch: 60 + 8 * options.ReportSeconds / options.SampleSeconds);

if (receiver != null && options.ReceiverUrl != null)
{
    await Task.Delay(2000); // the last batches reach the store
    await ReceiverView.PrintAsync(options.ReceiverUrl);
}
if (receiver != null)
{
    if (options.KeepRunning)
    {
        Console.WriteLine("\nthe receiver keeps running; press Ctrl-C to stop");
        await receiver.WaitForExitAsync();
    }
    else if (!receiver.HasExited) receiver.Kill(entireProcessTree: true);
}
return 0;
