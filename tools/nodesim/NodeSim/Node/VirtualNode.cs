using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Link;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Storage;
using NodeSim.Hardware;
using NodeSim.Network;
using NodeSim.Ota;
using NodeSim.Sensors;

namespace NodeSim.Node;

/// <summary>
/// NodeFirmware.Core on simulated hardware, driven by the same host loop as the device: perform what
/// <see cref="NodeApp.Next"/> asks and report back. Deep sleep discards the application and the MQTT
/// session (only what Core wrote to flash survives); light sleep keeps them. With OTA set up, every boot
/// first runs the Loader's slot selection over the node's A/B slots, as the device's Loader does.
/// </summary>
public sealed class VirtualNode : IAsyncDisposable
{
    private const int Bme280Address = 0x76;

    private readonly VirtualNodeOptions _options;
    private readonly SimulatedI2cBus _i2c = new();
    private readonly Bme280EnvironmentSensor _sensorAdapter;
    private readonly Random _random;
    private NodeApp? _app;
    private MqttNodeLink? _link;
    private NodeTls? _tls; // the node's certificate and key, read once like the firmware's; every connect still a full handshake
    private WakeCause _nextWakeCause = WakeCause.PowerOn;
    private readonly ISlotStorage? _slots;
    private readonly IFlash? _bootStorage;
    private readonly SimulatedNorFlash? _bootFlash;
    private OtaClient? _ota;
    private bool _sensorConnected = true;
    private bool _imageIgnoresSensor;

    public VirtualNode(VirtualNodeOptions options, long startUnixMillis)
    {
        _options = options;
        _random = new Random(options.Seed);
        Clock = new NodeClock(startUnixMillis);
        Flash = new SimulatedNorFlash(options.StorageBytes, 4096, options.Seed);
        Battery = new SimulatedBattery(options.PowerProfile.BatteryCapacityMilliampHours, options.InitialBatteryCharge);
        Environment = new Bme280Environment(21.5, 45, 101_325, options.Seed);
        Sensor = new SimulatedBme280(() => Clock.UnixTimeMillis, Environment);
        _i2c.Attach(Bme280Address, Sensor);
        _sensorAdapter = new Bme280EnvironmentSensor(() => _i2c.CreateDevice(Bme280Address), SampleWait);
        Network = new NetworkConditions(options.Seed);
        WakeAtUnixMillis = startUnixMillis;
        if (options.Ota != null)
        {
            _slots = options.Ota.Slots ?? new MemorySlotStorage(options.Ota.SlotCapacityBytes);
            if (options.Ota.BootFlash is null) _bootFlash = new SimulatedNorFlash(4 * 4096, 4096, options.Seed);
            _bootStorage = options.Ota.BootFlash ?? _bootFlash;
            if (options.Ota.FactoryPackage is { } factory) FactoryInstall.Install(_slots, BootStore(), factory);
        }
    }

    public string DeviceId => _options.DeviceId;
    public NodeClock Clock { get; }
    /// <summary>The node's own internal storage (configuration and journal) when <see cref="VirtualNodeOptions.Storage"/> gives none.</summary>
    public SimulatedNorFlash Flash { get; }
    public SimulatedBattery Battery { get; }
    public Bme280Environment Environment { get; }
    public SimulatedBme280 Sensor { get; }
    public NetworkConditions Network { get; }

    public long WakeAtUnixMillis { get; private set; }
    public int Boots { get; private set; }
    public int Connections { get; private set; }
    public int ConnectFailures { get; private set; }

    /// <summary>The phases of the last connection as the node handed them to Core; null before one was made.</summary>
    public LinkTimings? LastConnectTimings { get; private set; }

    /// <summary>Why the last failed connect failed (the TLS or MQTT error); null before any failed.</summary>
    public string? LastConnectFailure { get; private set; }
    public int MessagesAcked { get; private set; }

    /// <summary>The journal as the node left it when it last went to sleep.</summary>
    public JournalStats Journal { get; private set; }

    /// <summary>
    /// Whether the BME280 is plugged in. Unplugging it is a missing ACK on the I2C bus, as on the board;
    /// plugging it back powers the part up again.
    /// </summary>
    public bool SensorConnected
    {
        get => _sensorConnected;
        set
        {
            if (value && !_sensorConnected) Sensor.PowerOnReset();
            _sensorConnected = value;
            WireSensor();
        }
    }

    private void WireSensor()
    {
        bool onBus = _sensorConnected && !_imageIgnoresSensor;
        if (onBus && !_i2c.Has(Bme280Address)) _i2c.Attach(Bme280Address, Sensor);
        else if (!onBus) _i2c.RemoveDevice(Bme280Address);
    }

    /// <summary>Version, slot and trial flag of the image running (or that ran last).</summary>
    public string FirmwareVersion { get; private set; } = "";
    public string Slot { get; private set; } = "A";
    public bool Trial { get; private set; }

    /// <summary>Boots whose application failed at start (the Loader counts them against a trial image).</summary>
    public int CrashedBoots { get; private set; }

    /// <summary>True when the Loader found no valid slot: the node no longer runs.</summary>
    public bool Bricked { get; private set; }

    public string LastLoaderLog { get; private set; } = "";

    /// <summary>The storage holding the node's application slots (OTA only).</summary>
    public ISlotStorage? Slots => _slots;

    /// <summary>The boot-state / OTA-cursor flash when it is the node's own (OTA only); power cuts can be scripted on it.</summary>
    public SimulatedNorFlash? BootFlash => _bootFlash;

    public OtaClient? OtaClient => _ota;

    /// <summary>The running application; null while in deep sleep.</summary>
    public NodeApp? App => _app;

    /// <summary>Runs from wake-up to the next sleep.</summary>
    public async Task<WakeOutcome> RunWakeAsync()
    {
        var p = _options.PowerProfile;
        if (_app == null && !Boot())
        {
            // Nothing runs: a crashed image restarts at once (the Loader counts the attempt); no image at all stays dark.
            await PowerDownAsync(WakeCause.Reset);
            WakeAtUnixMillis = Bricked ? long.MaxValue : Clock.UnixTimeMillis + 1000;
            return new WakeOutcome(WakeAtUnixMillis, true, 0, 0);
        }
        int connections = 0, acked = 0;
        for (int step = 0; step < 10_000; step++)
        {
            var r = _app!.Next();
            switch (r.Kind)
            {
                case HostRequestKind.Connect:
                    connections++;
                    await ConnectAsync(r);
                    break;
                case HostRequestKind.Publish:
                    acked += await PublishAsync(r);
                    break;
                case HostRequestKind.Listen:
                    await ListenAsync(r.ListenMilliseconds);
                    break;
                case HostRequestKind.Disconnect:
                    if (_link != null) await _link.DisconnectAsync();
                    break;
                case HostRequestKind.Sleep:
                    var j = _app.Journal;
                    Journal = new JournalStats(j.Epoch, j.NextSequence, j.ReleasedThrough, j.PendingCount, j.DroppedTotal);
                    Spend(r.DeepSleep ? EnergyPhase.DeepSleep : EnergyPhase.LightSleep, r.DeepSleep ? p.DeepSleepMilliamps : p.LightSleepMilliamps, r.SleepMilliseconds);
                    if (r.DeepSleep) await PowerDownAsync(_ota?.RebootRequested == true ? WakeCause.Reset : WakeCause.DeepSleepTimer);
                    WakeAtUnixMillis = Clock.UnixTimeMillis;
                    return new WakeOutcome(WakeAtUnixMillis, r.DeepSleep, connections, acked);
            }
        }
        throw new InvalidOperationException($"{DeviceId}: the application never asked to sleep");
    }

    /// <summary>Power is cut: RAM and the session are gone; the node boots again at the next wake.</summary>
    public Task PowerLossAsync() => PowerDownAsync(WakeCause.PowerOn);

    /// <summary>The node restarts with <paramref name="cause"/> (a brown-out, a watchdog reset, a panic): as a power loss, booting with that cause.</summary>
    public Task ResetAsync(WakeCause cause) => PowerDownAsync(cause);

    /// <summary>Boots: the Loader's slot choice (with OTA), then the application. False when no application runs.</summary>
    private bool Boot()
    {
        var p = _options.PowerProfile;
        Boots++;
        Clock.Boot();
        Spend(EnergyPhase.Boot, p.BootMilliamps, p.BootMilliseconds);
        var behaviour = AppBehaviour.Healthy;
        FirmwareVersion = _options.FirmwareVersion;
        _ota = null;
        if (_options.Ota is { } ota && !(ota.FactoryPackage is null && BootStore().Load() is null))
        {
            var decision = Loader(ota).Select(fullCheck: _nextWakeCause != WakeCause.DeepSleepTimer);
            LastLoaderLog = decision.Log;
            if (decision.Slot == BootState.NoSlot)
            {
                Bricked = true;
                return false;
            }
            FirmwareVersion = decision.Manifest.Version.ToString();
            Slot = SlotLayout.SlotName(decision.Slot);
            Trial = decision.Trial;
            behaviour = AppBehaviours.Read(_slots!, decision.Slot);
            if (behaviour == AppBehaviour.Crash)
            {
                CrashedBoots++;
                return false;
            }
            _ota = NewOtaClient(ota);
        }
        else if (_options.Ota is { } builtIn)
        {
            // No factory image in slot A and no boot state yet: the built-in firmware runs as a confirmed slot A (OtaClient's no-Loader case).
            Slot = "A";
            Trial = false;
            _ota = NewOtaClient(builtIn);
        }
        // An image that never reads its sensor: as if the BME280 were not on the bus.
        _imageIgnoresSensor = behaviour == AppBehaviour.NoSensor;
        WireSensor();
        var platform = new NodePlatform(Clock, _options.Storage ?? Flash, _sensorAdapter, Battery, _random);
        _app = new NodeApp(platform, new NodeIdentity(DeviceId, FirmwareVersion, Slot, Trial), _options.Defaults);
        if (_ota != null) _app.AddExtension(_ota);
        _app.Boot(_nextWakeCause);
        return true;
    }

    private OtaClient NewOtaClient(VirtualNodeOta ota) => new(new OtaClientSettings
    {
        DeviceId = DeviceId,
        Board = ota.Board,
        LoaderVersion = ota.LoaderVersion,
        RunningVersion = FirmwareVersion,
        ReleasePublicKey = ota.ReleasePublicKey,
        MaxChunkSize = ota.MaxChunkSize,
        TrialAttempts = ota.TrialAttempts,
    }, _slots!, BootStore(), new FlashWindow(_bootStorage!, 2, 2), Clock);

    private SlotSelector Loader(VirtualNodeOta ota) =>
        new(BootStore(), new SlotVerifier(_slots!, new ManifestVerifier(ota.ReleasePublicKey, ota.Board, ota.LoaderVersion)));

    private BootStateStore BootStore() => new(new FlashWindow(_bootStorage!, 0, 2), 0);

    private async Task PowerDownAsync(WakeCause cause)
    {
        if (_link != null) await _link.DropAsync();
        _link = null;
        _app = null;
        _nextWakeCause = cause;
    }

    private async Task ConnectAsync(HostRequest r)
    {
        var p = _options.PowerProfile;
        // The phases reported in the status: the Wi-Fi join as the virtual clock sees it (the radio is simulated: the
        // profile's Wi-Fi connect covers association and DHCP together, so DHCP is not told apart), TLS and the MQTT
        // CONNECT as this host measured them against the real broker. The virtual clock charges the profile's
        // handshake, the device's cost, for the energy model; the host's own handshake is far faster.
        var timings = new LinkTimings();
        long mark = Clock.UnixTimeMillis;
        Spend(EnergyPhase.Connect, p.WifiConnectMilliamps, p.WifiConnectMilliseconds);
        timings.WifiJoinMillis = (int)(Clock.UnixTimeMillis - mark);
        if (!Network.IsUp(Clock.UnixTimeMillis))
        {
            ConnectFailures++;
            LastConnectFailure = "no network";
            _app!.OnConnectFailed("no network");
            return;
        }
        Spend(EnergyPhase.Connect, p.TlsHandshakeMilliamps, p.TlsHandshakeMilliseconds + Network.ExtraLatencyMillis);
        _tls ??= new NodeTls(_options.Broker, _options.Certificate);
        _link ??= new MqttNodeLink(_options.Broker, _tls, _options.Handshakes);
        string? failure = await _link.ConnectAsync(r.ClientId, r.CleanSession, r.WillTopic, r.WillPayload, r.Subscriptions);
        if (failure != null)
        {
            ConnectFailures++;
            LastConnectFailure = failure;
            _app!.OnConnectFailed(failure);
            return;
        }
        (timings.TlsHandshakeMillis, timings.MqttConnectMillis) = _link.LastConnectMillis;
        LastConnectTimings = timings;
        Connections++;
        _app!.OnConnected(timings);
    }

    private async Task<int> PublishAsync(HostRequest r)
    {
        var p = _options.PowerProfile;
        int acked = 0;
        foreach (var m in r.Messages)
        {
            Spend(EnergyPhase.Publish, p.RadioActiveMilliamps, p.PublishMillisecondsPerMessage + m.Payload.Length / 1024.0 * p.PublishMillisecondsPerKilobyte + Network.ExtraLatencyMillis);
            bool up = Network.IsUp(Clock.UnixTimeMillis);
            bool ok = up && _link != null && await _link.PublishAsync(m);
            if (!ok || Network.LoseAck())
            {
                if (_link != null) await _link.DropAsync();
                _app!.OnLinkLost(up ? "acknowledgement lost" : "network down");
                return acked;
            }
            acked++;
            MessagesAcked++;
            _options.Acknowledged?.Invoke(m);
            _app!.OnPublishAcked(m.Token);
        }
        return acked;
    }

    private const double MinimumListenRealShare = 20.0 / 1500;

    private async Task ListenAsync(int milliseconds)
    {
        var p = _options.PowerProfile;
        // At least 20 ms of real time per 1.5 s listened (the default window) for the broker's messages to arrive over
        // the loopback. Core listens in slices until the receiver's acknowledgement; a window listened in slices gets as
        // much real time in all as one listened whole, not the floor once per slice.
        int real = (int)Math.Ceiling(milliseconds * Math.Max(MinimumListenRealShare, _options.ListenRealTimeShare));
        if (milliseconds > 0) await Task.Delay(real);
        Spend(EnergyPhase.Listen, p.RadioActiveMilliamps, milliseconds);
        if (_link == null) return;
        foreach (var (topic, payload) in _link.TakeInbound()) _app!.OnMessage(topic, payload);
    }

    private void SampleWait(int milliseconds) => Spend(EnergyPhase.Sample, _options.PowerProfile.SampleMilliamps, milliseconds);

    private void Spend(EnergyPhase phase, double milliamps, double milliseconds)
    {
        Battery.Drain(phase, milliamps, milliseconds);
        Clock.Advance((long)Math.Round(milliseconds));
    }

    public async ValueTask DisposeAsync()
    {
        if (_link != null) await _link.DropAsync();
        _sensorAdapter.Dispose();
    }
}
