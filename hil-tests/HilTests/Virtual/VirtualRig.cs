using NodeFirmware.HilTests.Rig;
using NodeFirmware.HilTests.Support;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;
using NodeSim.Hardware;
using NodeSim.Provisioning;

namespace NodeFirmware.HilTests.Virtual;

/// <summary>
/// The rig in CI: a <see cref="SimulatedBoard"/> (ROM-loader simulator, Core's provisioning session, the virtual
/// node) behind an in-memory serial link with DTR/RTS auto-reset, and a <see cref="LocalCloud"/> (real Mosquitto
/// with mutual TLS, the receiver process, SQLite). Time is virtual: <see cref="RunForAsync"/> of a day takes seconds.
/// </summary>
public sealed class VirtualRig : IRig
{
    public const string DefaultBoard = "firebeetle-esp32";

    private readonly InMemorySerialLink _link;
    private readonly string _board;
    private SensorSocket? _socket;

    private VirtualRig(LocalCloud cloud, int index, string board, long startUnixMillis)
    {
        LocalCloud = cloud;
        _board = board;
        var profile = RepoRoot.Boards().Load(board).ToPowerProfile();
        _link = new InMemorySerialLink("virtual-uart");
        Board = new SimulatedBoard(VirtualProvisioningNode.MacFor(index), cloud.Endpoint, profile, startUnixMillis,
            bytes => _link.DeliverFromPeer(bytes), seed: index);
        _link.Attach(bytes => Board.FromHost(bytes), (dtr, rts) => Board.SetUartSignals(dtr, rts));
    }

    /// <summary>
    /// Starts the cloud and a powered board. Virtual time starts <paramref name="startAgo"/> before now, so a
    /// long soak still ends in the receiver's plausible past (default: 26 h, room for the 24 h soak).
    /// </summary>
    public static async Task<VirtualRig> StartAsync(int index = 1, string board = DefaultBoard, TimeSpan? startAgo = null)
    {
        var cloud = await LocalCloud.StartAsync();
        long start = DateTimeOffset.UtcNow.Add(-(startAgo ?? TimeSpan.FromHours(26))).ToUnixTimeMilliseconds();
        var rig = new VirtualRig(cloud, index, board, start);
        rig.Board.PowerOn();
        return rig;
    }

    public string Name => "virtual";

    public RigCapabilities Capabilities =>
        RigCapabilities.VirtualTime | RigCapabilities.SensorEnvironment | RigCapabilities.SensorDisconnect |
        RigCapabilities.BatteryControl | RigCapabilities.NetworkCut | RigCapabilities.PowerMonitor | RigCapabilities.CloudChaos | RigCapabilities.Ota;

    public LocalCloud LocalCloud { get; }
    public SimulatedBoard Board { get; }
    public string? DeviceId => Board.DeviceId;
    public IReadOnlyList<string> ConsoleLines => Board.ConsoleLines;
    public IReceiverStoreView Store => LocalCloud.Store;
    public ICloudControl Cloud => LocalCloud;
    public long NowUnixMillis => Board.NowUnixMillis;

    /// <summary>Client timings without the wall-clock pauses of the reset sequence (the simulator needs none).</summary>
    public static readonly EspRomClientOptions FastRom = new() { Sleep = _ => { }, SyncTimeout = TimeSpan.FromMilliseconds(200) };

    public Task PowerOnAsync()
    {
        Board.PowerOn();
        return Task.CompletedTask;
    }

    public Task PowerOffAsync() => Board.PowerOffAsync();

    public async Task PowerCycleAsync()
    {
        await Board.PowerOffAsync();
        Board.PowerOn();
    }

    public Task ResetIntoBootloaderAsync()
    {
        BootloaderReset.IntoBootloader(_link, TimeSpan.Zero, TimeSpan.Zero, _ => { });
        return Task.CompletedTask;
    }

    public Task ResetIntoApplicationAsync()
    {
        BootloaderReset.HardReset(_link, TimeSpan.Zero, _ => { });
        return Task.CompletedTask;
    }

    public Task<FlashOutcome> FlashAsync(IReadOnlyList<FlashImage> images) =>
        Task.Run(() => FactoryStation.Flash(_link, images, FastRom));

    public Task<ProvisionResult> ProvisionAsync() => Task.Run(() =>
    {
        using var registry = (ReceiverRegistry)LocalCloud.Registry();
        var provisioner = new Provisioner(LocalCloud.Pki, LocalCloud.Ca, LocalCloud.Audit, registry);
        return FactoryStation.Provision(_link, provisioner, FactoryStation.Settings(LocalCloud.BrokerHost, LocalCloud.BrokerPort, _board));
    });

    public Task RunForAsync(TimeSpan duration) => Board.RunUntilAsync(Board.NowUnixMillis + (long)duration.TotalMilliseconds);

    public Task SetEnvironmentAsync(double temperatureC, double humidityPercent, double pressurePa)
    {
        RequireNode().Environment.Set(temperatureC, humidityPercent, pressurePa, RequireNode().Clock.UnixTimeMillis);
        return Task.CompletedTask;
    }

    public Task SetSensorConnectedAsync(bool connected)
    {
        _socket ??= new SensorSocket(RequireNode());
        if (connected) _socket.PlugIn();
        else _socket.Unplug();
        return Task.CompletedTask;
    }

    public Task SetBatteryChargeAsync(double charge)
    {
        var battery = RequireNode().Battery;
        if (charge > battery.Charge) throw new ArgumentOutOfRangeException(nameof(charge), charge, $"the simulated battery can only be drained (it holds {battery.Charge:P0})");
        // Booked as deep sleep over one hour: the charge the node then measures is what counts.
        battery.Drain(EnergyPhase.DeepSleep, (battery.Charge - charge) * battery.CapacityMah, 3_600_000);
        return Task.CompletedTask;
    }

    public Task CutNetworkAsync(TimeSpan duration)
    {
        RequireNode().Network.ScheduleOutage(Board.NowUnixMillis, duration);
        return Task.CompletedTask;
    }

    public Task PublishConfigAsync(byte[] configCbor) => LocalCloud.PublishConfigAsync(RequireDeviceId(), configCbor);

    /// <summary>The battery model's charge drawn while the rig runs for <paramref name="window"/>: the mean current of that time.</summary>
    public async Task<double> MeasureCurrentMilliampsAsync(TimeSpan window)
    {
        var battery = RequireNode().Battery;
        double before = battery.SpentMah();
        await RunForAsync(window);
        return (battery.SpentMah() - before) / window.TotalHours;
    }

    /// <summary>Pending: the virtual node's OTA host loop and the receiver's campaigns are not in the tree yet.</summary>
    /// <summary>
    /// Offers the package through a receiver campaign and runs the board until the campaign has a verdict for it
    /// (or six virtual hours pass). <see cref="OtaFault.PowerCutDuringDownload"/> cuts the power at a write of the
    /// download's progress on the node's storage, then powers it up again.
    /// </summary>
    public async Task<OtaOutcome> OfferFirmwareAsync(byte[] signedPackage, OtaFault fault = OtaFault.None)
    {
        var node = RequireNode();
        string deviceId = RequireDeviceId();
        string before = node.FirmwareVersion;
        using var campaigns = new CampaignClient(LocalCloud.ReceiverUrl, LocalCloud.Token("operator"));
        string campaign = await campaigns.StartAsync(signedPackage, "hil-" + fault);
        bool cutArmed = fault == OtaFault.PowerCutDuringDownload;
        long deadline = NowUnixMillis + 6 * 3600_000L;
        string? deviceState = null;
        while (NowUnixMillis < deadline)
        {
            if (cutArmed)
            {
                // The boot-state flash is written when the offer is accepted and as the download's cursor
                // advances: the third write from now falls inside the download.
                node.BootFlash!.CutAtWrite = node.BootFlash.Writes + 2;
                cutArmed = false;
            }
            try
            {
                await RunForAsync(TimeSpan.FromMinutes(5));
            }
            catch (NodeSim.Hardware.PowerCutException)
            {
                PowerCuts++;
                node.BootFlash!.CutAtWrite = -1;
                await node.PowerLossAsync();
            }
            (_, deviceState, _) = await campaigns.DeviceAsync(campaign, deviceId);
            if (deviceState is "succeeded" or "failed" or "rolledback" or "cancelled") break;
        }
        bool rolledBack = deviceState != "succeeded" && node.FirmwareVersion == before;
        return new OtaOutcome(node.FirmwareVersion, node.Slot, rolledBack);
    }

    /// <summary>Power cuts the OTA scenarios injected.</summary>
    public int PowerCuts { get; private set; }

    private NodeSim.Node.VirtualNode RequireNode() =>
        Board.Node ?? throw new InvalidOperationException("the board runs no node yet: flash an application and provision it first");

    private string RequireDeviceId() => Board.Node?.DeviceId ?? throw new InvalidOperationException("the board is not provisioned yet");

    public async ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        await Board.DisposeAsync();
        _link.Dispose();
        await LocalCloud.DisposeAsync();
    }
}
