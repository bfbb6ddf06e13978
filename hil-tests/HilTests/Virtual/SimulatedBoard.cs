using NodeSim.Ota;
using NodeFirmware.HilTests.Support;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeFirmware.Core.Provisioning;
using NodeSim.Network;
using NodeSim.Node;
using NodeSim.Provisioning;
using NodeSim.RomBootloader;

namespace NodeFirmware.HilTests.Virtual;

/// <summary>
/// An ESP32 board as its UART sees it, made of the simulators: the ROM serial loader when the chip is reset with
/// IO0 low, otherwise the application — Core's provisioning session while no identity is committed, then the
/// virtual node (Core's NodeApp) with the provisioned certificate, talking to the real broker. EN and IO0 are
/// driven by the caller: through DTR/RTS on a USB bridge (<see cref="SetUartSignals"/>) or by relays (<see cref="SetStrapping"/>).
/// </summary>
public sealed class SimulatedBoard : IAsyncDisposable
{
    public const uint AppOffset = 0x10000;
    public const byte EspImageMagic = 0xE9;

    private readonly object _gate = new();
    private readonly Action<byte[]> _toHost;
    private readonly BrokerEndpoint _broker;
    private readonly PowerProfile _profile;
    private readonly int _seed;
    private readonly string _boardName;
    private readonly List<string> _console = new();
    private bool _powered = true;
    private bool _appRunning;
    private int _bootsSeen;

    public SimulatedBoard(byte[] mac, BrokerEndpoint broker, PowerProfile profile, long startUnixMillis, Action<byte[]> toHost, int seed = 1)
    {
        _boardName = profile.Name;
        _toHost = toHost;
        _broker = broker;
        _profile = profile;
        _seed = seed;
        NowUnixMillis = startUnixMillis;
        // SetStrapping starts the application when EN is released, so the ROM boots at that instant (no RC delay).
        Rom = new SimulatedRomBootloader(bytes => _toHost(bytes), new SimulatedRomOptions { Mac = mac, FlashSize = 4 * 1024 * 1024, EnRcDelay = TimeSpan.Zero });
        Provisioning = new VirtualProvisioningNode(mac, "1.0.0");
    }

    /// <summary>The application version the factory puts in slot A.</summary>
    public const string FactoryVersion = "1.0.0";

    public SimulatedRomBootloader Rom { get; }
    public VirtualProvisioningNode Provisioning { get; }
    public VirtualNode? Node { get; private set; }
    public string DeviceId => Provisioning.DeviceId;

    /// <summary>Rig time: the virtual clock the board's node runs on.</summary>
    public long NowUnixMillis { get; private set; }

    public bool Powered => _powered;

    public IReadOnlyList<string> ConsoleLines
    {
        get { lock (_console) return _console.ToList(); }
    }

    /// <summary>Bytes the host wrote to the board's UART.</summary>
    public void FromHost(ReadOnlySpan<byte> bytes)
    {
        if (!_powered) return;
        if (Rom.State is RomChipState.DownloadMode or RomChipState.Synced)
        {
            Rom.Receive(bytes);
            return;
        }
        if (!_appRunning || Node is not null) return; // the running node does not read its UART
        byte[] reply = Provisioning.Receive(bytes);
        if (reply.Length > 0) _toHost(reply);
        if (Provisioning.Boots > _bootsSeen) StartAppAfterReset("restart after provisioning");
    }

    /// <summary>The usual auto-reset circuit: RTS alone pulls EN low, DTR alone pulls IO0 low.</summary>
    public void SetUartSignals(bool dtr, bool rts) => SetStrapping(enLow: rts && !dtr, io0Low: dtr && !rts);

    /// <summary>EN and IO0 driven directly (relays or GPIOs of a rig controller).</summary>
    public void SetStrapping(bool enLow, bool io0Low)
    {
        lock (_gate)
        {
            if (!_powered) return;
            var before = Rom.State;
            if (enLow) Rom.SetSignals(dtr: false, rts: true);
            else Rom.SetSignals(dtr: io0Low, rts: false);
            if (enLow) { StopApp(); return; }
            if (before == RomChipState.HeldInReset && Rom.State == RomChipState.RunningApplication) BootApp("reset");
        }
    }

    public async Task PowerOffAsync()
    {
        lock (_gate) { _powered = false; StopApp(); }
        if (Node is not null) await Node.PowerLossAsync();
        Print("--- power off ---");
    }

    public void PowerOn()
    {
        lock (_gate)
        {
            _powered = true;
            Rom.PowerOn(io0Low: false);
            BootApp("power-on");
        }
    }

    /// <summary>Runs the node until rig time reaches <paramref name="endUnixMillis"/> (nothing runs while off or without identity).</summary>
    public async Task RunUntilAsync(long endUnixMillis)
    {
        while (true)
        {
            var node = Node;
            if (!_powered || !_appRunning || node is null) break;
            if (node.Clock.UnixTimeMillis < NowUnixMillis) node.Clock.Advance(NowUnixMillis - node.Clock.UnixTimeMillis);
            if (node.WakeAtUnixMillis >= endUnixMillis || node.Clock.UnixTimeMillis >= endUnixMillis) break;
            var outcome = await node.RunWakeAsync();
            if (outcome.Connections > 0 || outcome.MessagesAcked > 0)
                Print($"[{DateTimeOffset.FromUnixTimeMilliseconds(node.Clock.UnixTimeMillis):u}] wake: {outcome.Connections} connection(s), {outcome.MessagesAcked} acked, journal pending {node.Journal.Pending}");
        }
        NowUnixMillis = Math.Max(NowUnixMillis, endUnixMillis);
    }

    private void BootApp(string why)
    {
        Print($"app: boot ({why})");
        if (!HasApplication())
        {
            Print($"app: no valid image at 0x{AppOffset:X} (magic 0x{EspImageMagic:X2} expected); halted");
            return;
        }
        _appRunning = true;
        if (Node is not null) return;
        Provisioning.PowerCycle();
        StartAppAfterReset(why);
    }

    /// <summary>The application's start: the node with the stored identity, or provisioning mode saying why not.</summary>
    private void StartAppAfterReset(string why)
    {
        _bootsSeen = Provisioning.Boots;
        if (Node is not null) return;
        if (StartNode(why)) return;
        var identity = Provisioning.Identity;
        if (identity.State == IdentityState.Corrupt) Print($"app: {identity.ConsoleLine()} ({DeviceId})");
        else Print($"app: no identity, provisioning mode on UART ({DeviceId})");
    }

    private void StopApp()
    {
        _appRunning = false;
    }

    private bool HasApplication() => Rom.Flash.Read(AppOffset, 1)[0] == EspImageMagic;

    /// <summary>Starts the node when the stored identity is usable (Core's decision, then .NET's TLS types); false otherwise.</summary>
    private bool StartNode(string why)
    {
        if (Node is not null)
        {
            _appRunning = true;
            return true;
        }
        var identity = ProvisionedIdentity.Boot(Provisioning);
        if (identity is null) return false;
        var bundle = Provisioning.Identity.Bundle;
        var defaults = new DeviceConfig();
        if (bundle.ConfigOverrides is { Length: > 0 } overrides)
            defaults = ConfigCodec.Apply(defaults, overrides, out string reason) ?? throw new InvalidOperationException("the provisioned configuration was refused: " + reason);
        // The node dials the broker the bundle names; on this machine that is the rig's broker.
        var endpoint = new BrokerEndpoint(bundle.BrokerHost, bundle.BrokerPort, _broker.FleetCa);
        identity.Broker.FleetCa.Dispose();
        Node = new VirtualNode(new VirtualNodeOptions
        {
            DeviceId = bundle.DeviceId,
            Certificate = identity.Certificate,
            Broker = endpoint,
            PowerProfile = _profile,
            Defaults = defaults,
            Seed = _seed,
            // The factory image in slot A is signed with the release key whose public half was provisioned.
            Ota = new VirtualNodeOta
            {
                ReleasePublicKey = bundle.ReleasePublicKey,
                Board = _boardName,
                FactoryPackage = HilRelease.Package(FactoryVersion, _boardName),
            },
        }, NowUnixMillis);
        _appRunning = true;
        Print($"app: identity {bundle.DeviceId} committed, node running ({why})");
        return true;
    }

    private void Print(string line)
    {
        lock (_console) _console.Add(line);
        if (_powered) _toHost(Encoding.ASCII.GetBytes(line + "\r\n"));
    }

    public async ValueTask DisposeAsync()
    {
        if (Node is not null) await Node.DisposeAsync();
        Rom.Dispose();
    }
}
