using System.Text;
using NodeFirmware.HilTests.Rig;
using NodeFirmware.HilTests.Support;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;

namespace NodeFirmware.HilTests.Serial;

/// <summary>
/// A real board on a rig, described by a <see cref="RigFile"/>: its UART through System.IO.Ports
/// (<see cref="SerialPortLink"/>), its supply and optionally EN/IO0 through a relay bank, nodectl's flashing and
/// provisioning code, and the receiver's store the board reports into. In CI the same class drives a simulated
/// board over a pseudo-terminal.
/// </summary>
public sealed class SerialRig : IRig
{
    private readonly RigFile _file;
    private readonly IRelay _relay;
    private readonly List<string> _console = new();
    private readonly SqliteStoreView _store;

    public SerialRig(RigFile file)
    {
        _file = file;
        _relay = file.Relay.Kind switch
        {
            "usb-serial" => new UsbSerialRelay(file.Relay.Port ?? throw new InvalidDataException("relay kind usb-serial needs relay.port")),
            "gpio" => new SysfsGpioRelay(file.Relay.Port ?? "/sys/class/gpio"),
            var k when k.StartsWith("loopback:", StringComparison.Ordinal) => new LoopbackRelay(k["loopback:".Length..]),
            var k => throw new InvalidDataException($"unknown relay kind '{k}' (usb-serial, gpio, loopback:<name>)"),
        };
        _store = new SqliteStoreView(file.Store["sqlite:".Length..]);
    }

    public static SerialRig FromEnvironment() => new(RigFile.Load(SerialRigFactAttribute.RigFilePath));

    public string Name => "serial:" + _file.Port;
    public RigCapabilities Capabilities => RigCapabilities.None;
    public string? DeviceId { get; private set; }
    public IReceiverStoreView Store => _store;
    public ICloudControl Cloud => throw new RigCapabilityMissingException(Name, RigCapabilities.CloudChaos);

    public IReadOnlyList<string> ConsoleLines
    {
        get { lock (_console) return _console.ToList(); }
    }

    public Task PowerOnAsync() { _relay.Set(_file.Relay.Power, true); return Task.CompletedTask; }
    public Task PowerOffAsync() { _relay.Set(_file.Relay.Power, false); return Task.CompletedTask; }

    public async Task PowerCycleAsync()
    {
        await PowerOffAsync();
        await Task.Delay(500); // let the board's capacitors drain
        await PowerOnAsync();
    }

    public Task ResetIntoBootloaderAsync() => WithLink(link => BootloaderReset.IntoBootloader(link, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(50), Thread.Sleep));

    public Task ResetIntoApplicationAsync() => WithLink(link => BootloaderReset.HardReset(link, TimeSpan.FromMilliseconds(100), Thread.Sleep));

    public Task<FlashOutcome> FlashAsync(IReadOnlyList<FlashImage> images) => Task.Run(() =>
    {
        using var link = OpenLink();
        var outcome = FactoryStation.Flash(link, images);
        DeviceId = outcome.DeviceId;
        return outcome;
    });

    public Task<ProvisionResult> ProvisionAsync() => Task.Run(() =>
    {
        var pki = new PkiStore(_file.Pki);
        string passphrase = File.ReadAllText(_file.CaPassphraseFile).Trim();
        using var ca = pki.OpenCa(passphrase);
        var audit = new AuditLog(Path.Combine(_file.Pki, "audit.jsonl"), "hil-" + Environment.MachineName, "hil-tests");
        using var registry = string.IsNullOrWhiteSpace(_file.Receiver) ? null : new ReceiverRegistry(new Uri(_file.Receiver),
            token: ReceiverRegistry.ReadToken(_file.ReceiverTokenFile, Environment.GetEnvironmentVariable));
        var (host, port) = TcpSerialLink.ParseEndpoint(_file.Broker);
        using var link = OpenLink();
        Thread.Sleep(300); // the application prints its boot lines first
        var result = FactoryStation.Provision(link, new Provisioner(pki, ca, audit, registry), FactoryStation.Settings(host, port, _file.Board));
        DeviceId = result.DeviceId;
        return result;
    });

    /// <summary>The board runs on its own; the rig listens to its console meanwhile.</summary>
    public async Task RunForAsync(TimeSpan duration)
    {
        using var link = OpenLink();
        var buffer = new byte[1024];
        var line = new StringBuilder();
        var end = DateTime.UtcNow + duration;
        await Task.Run(() =>
        {
            while (DateTime.UtcNow < end)
            {
                int n = link.Read(buffer, TimeSpan.FromMilliseconds(100));
                foreach (char c in Encoding.ASCII.GetString(buffer, 0, n))
                {
                    if (c == '\n') { lock (_console) _console.Add(line.ToString().TrimEnd('\r')); line.Clear(); }
                    else line.Append(c);
                }
            }
        });
    }

    public Task SetEnvironmentAsync(double temperatureC, double humidityPercent, double pressurePa) => Missing(RigCapabilities.SensorEnvironment);
    public Task SetSensorConnectedAsync(bool connected) => Missing(RigCapabilities.SensorDisconnect);
    public Task SetBatteryChargeAsync(double charge) => Missing(RigCapabilities.BatteryControl);
    public Task CutNetworkAsync(TimeSpan duration) => Missing(RigCapabilities.NetworkCut);
    public Task PublishConfigAsync(byte[] configCbor) => Missing(RigCapabilities.CloudChaos);
    public Task<double> MeasureCurrentMilliampsAsync(TimeSpan window) => throw new RigCapabilityMissingException(Name, RigCapabilities.PowerMonitor);
    public Task<OtaOutcome> OfferFirmwareAsync(byte[] signedPackage, OtaFault fault = OtaFault.None) => throw new RigCapabilityMissingException(Name, RigCapabilities.Ota);

    private Task Missing(RigCapabilities c) => throw new RigCapabilityMissingException(Name, c);

    private ISerialLink OpenLink()
    {
        ISerialLink link = new SerialPortLink(_file.Port, _file.Baud);
        return _file.ResetLines == "relay" ? new RelayResetLink(link, _relay, _file.Relay.En!.Value, _file.Relay.Io0!.Value) : link;
    }

    private Task WithLink(Action<ISerialLink> action) => Task.Run(() =>
    {
        using var link = OpenLink();
        action(link);
    });

    public ValueTask DisposeAsync()
    {
        _relay.Dispose();
        return ValueTask.CompletedTask;
    }
}
