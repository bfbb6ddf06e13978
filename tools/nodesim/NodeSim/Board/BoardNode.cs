using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeFirmware.Core.Ota;
using NodeSim.Network;
using NodeSim.Node;
using NodeSim.Ota;
using NodeSim.Provisioning;

namespace NodeSim.Board;

/// <summary>What the board's firmware runs once its re-entry window closed: the node's power profile, its cadence and how fast its time runs.</summary>
public sealed record BoardNodeOptions
{
    public required PowerProfile PowerProfile { get; init; }
    public required DeviceConfig Defaults { get; init; }

    /// <summary>Node seconds per real second: 1 is real time; a test compresses so that telemetry arrives within seconds.</summary>
    public double TimeCompression { get; init; } = 1;

    /// <summary>Where the node's connect failures and stops are told (the board's log); null: nowhere.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The names the board's network resolves (its Wi-Fi's DNS); null: the host's resolver.</summary>
    public Network.NameService? Names { get; init; }

    /// <summary>The board the firmware is built for: an update's manifest must list it (boards/NAME.json).</summary>
    public string FirmwareBoard { get; init; } = "esp32-devkitc-v4";
}

/// <summary>
/// The virtual node run by a provisioned board, with the identity read back from the board's own flash
/// (<see cref="ProvisionedIdentity.Boot"/>): a <see cref="VirtualNode"/> whose wakes follow the host's clock, scaled by
/// <see cref="BoardNodeOptions.TimeCompression"/>. A broker that cannot be reached leaves readings in Core's journal,
/// as in <c>nodesim run</c>. It updates itself A/B with Core's OTA client, trusting only the bundle's release key, into
/// the slots and boot state of the board's config partition (<see cref="ConfigPartition"/>); when an update asks for
/// a reboot, the board resets (a software CPU reset) and its next boot runs the Loader's choice. <see cref="DisposeAsync"/>
/// (a reset or power-off) stops it after the current wake and drops its MQTT link.
/// </summary>
public sealed class BoardNode : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ProvisionedIdentity _identity;
    private readonly Task _loop;

    private readonly Action? _restart;

    private BoardNode(ProvisionedIdentity identity, BoardFirmware firmware, BoardNodeOptions options, TimeProvider time, Action? restart)
    {
        if (!(options.TimeCompression > 0) || options.TimeCompression > 1_000_000) throw new ArgumentOutOfRangeException(nameof(options), "the time compression must be in (0, 1000000]");
        _identity = identity;
        _restart = restart;
        long start = time.GetUtcNow().ToUnixTimeMilliseconds();
        Broker = options.Names?.Resolve(identity.Broker) ?? identity.Broker;
        Node = new VirtualNode(new VirtualNodeOptions
        {
            DeviceId = identity.DeviceId,
            Certificate = identity.Certificate,
            Broker = Broker,
            PowerProfile = options.PowerProfile,
            Defaults = options.Defaults,
            FirmwareVersion = firmware.Options.FirmwareVersion,
            Storage = firmware.Config.Storage,
            Ota = new VirtualNodeOta
            {
                ReleasePublicKey = identity.ReleasePublicKey,
                Board = options.FirmwareBoard,
                Slots = firmware.Config.Slots(),
                BootFlash = firmware.Config.BootFlash,
            },
        }, start);
        // The board's part decides what the node can read: none, or one the BME280 driver refuses, is no sensor.
        if (firmware.Options.SensorChipId != NodeSim.Sensors.Bme280Registers.ChipIdValue) Node.SensorConnected = false;
        _loop = Task.Run(() => RunAsync(options, time, start));
    }

    /// <summary>The broker as the node reaches it: the bundle's name and port, and the address the board's network resolved.</summary>
    public BrokerEndpoint Broker { get; }

    public VirtualNode Node { get; }

    /// <summary>
    /// Boots the node from the firmware's stored identity; null (reported to the node) when .NET refuses it.
    /// <paramref name="restart"/> resets the board when an update asks for a reboot.
    /// </summary>
    internal static BoardNode? Start(BoardFirmware firmware, BoardNodeOptions options, TimeProvider time, Action? restart = null)
    {
        var identity = ProvisionedIdentity.Boot(firmware.Node);
        if (identity is null)
        {
            options.Log?.Invoke($"node: the stored identity does not load ({firmware.Node.Identity.ConsoleLine()})");
            return null;
        }

        return new BoardNode(identity, firmware, options, time, restart);
    }

    private async Task RunAsync(BoardNodeOptions options, TimeProvider time, long startUnixMillis)
    {
        long startTicks = time.GetTimestamp();
        int failuresTold = 0;
        bool loaderTold = false;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Node.RunWakeAsync();
                if (!loaderTold && Node.LastLoaderLog is { Length: > 0 } loader)
                {
                    loaderTold = true;
                    options.Log?.Invoke($"node {Node.DeviceId}: loader: {loader}");
                }

                if (Node.Bricked)
                {
                    options.Log?.Invoke($"node {Node.DeviceId}: nothing to run; the board stays dark until it is flashed again");
                    return;
                }

                if (Node.App is null && Node.CrashedBoots > 0 && _restart is not null)
                {
                    // An unhandled exception at start: the chip resets, and the Loader counts the boot against a trial.
                    options.Log?.Invoke($"node {Node.DeviceId}: the application {Node.FirmwareVersion} in slot {Node.Slot} crashed at start; restarting");
                    _restart();
                    return;
                }

                if (Node.ConnectFailures > failuresTold)
                {
                    failuresTold = Node.ConnectFailures;
                    string at = Broker.Address is { } address ? $"{Broker.Host} ({address}):{Broker.Port}" : $"{Broker.Host}:{Broker.Port}";
                    options.Log?.Invoke($"node {Node.DeviceId}: no broker at {at} ({failuresTold} failed connects, the last: {Node.LastConnectFailure}); {Node.Journal.Pending} readings kept in the journal");
                }

                if (Node.OtaClient?.RebootRequested == true && _restart is not null)
                {
                    options.Log?.Invoke($"node {Node.DeviceId}: an update is installed in slot {SlotLayout.SlotName(Node.OtaClient.Cursor.TargetSlot)}; restarting");
                    _restart(); // the board resets; its next boot runs the Loader's slot choice and stops this node
                    return;
                }

                double realMillis = (Node.WakeAtUnixMillis - startUnixMillis) / options.TimeCompression;
                var wait = TimeSpan.FromMilliseconds(realMillis) - time.GetElapsedTime(startTicks);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            options.Log?.Invoke($"node {Node.DeviceId} stopped: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        await _loop;
        await Node.DisposeAsync();
        _identity.Dispose();
        _stop.Dispose();
    }
}
