using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeSim.Node;
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
}

/// <summary>
/// The virtual node run by a provisioned board, with the identity read back from the board's own flash
/// (<see cref="ProvisionedIdentity.Boot"/>): a <see cref="VirtualNode"/> whose wakes follow the host's clock, scaled by
/// <see cref="BoardNodeOptions.TimeCompression"/>. A broker that cannot be reached leaves readings in Core's journal,
/// as in <c>nodesim run</c>. <see cref="DisposeAsync"/> (a reset or power-off) stops it after the current wake and
/// drops its MQTT link.
/// </summary>
public sealed class BoardNode : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ProvisionedIdentity _identity;
    private readonly Task _loop;

    private BoardNode(ProvisionedIdentity identity, BoardNodeOptions options, TimeProvider time)
    {
        if (!(options.TimeCompression > 0) || options.TimeCompression > 1_000_000) throw new ArgumentOutOfRangeException(nameof(options), "the time compression must be in (0, 1000000]");
        _identity = identity;
        long start = time.GetUtcNow().ToUnixTimeMilliseconds();
        Node = new VirtualNode(identity.NodeOptions(options.PowerProfile, options.Defaults), start);
        _loop = Task.Run(() => RunAsync(options, time, start));
    }

    public VirtualNode Node { get; }

    /// <summary>Boots the node from the provisioning node's stored identity; null (reported to the node) when .NET refuses it.</summary>
    public static BoardNode? Start(VirtualProvisioningNode firmware, BoardNodeOptions options, TimeProvider time)
    {
        var identity = ProvisionedIdentity.Boot(firmware);
        if (identity is null)
        {
            options.Log?.Invoke($"node: the stored identity does not load ({firmware.Identity.ConsoleLine()})");
            return null;
        }

        return new BoardNode(identity, options, time);
    }

    private async Task RunAsync(BoardNodeOptions options, TimeProvider time, long startUnixMillis)
    {
        long startTicks = time.GetTimestamp();
        int failuresTold = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Node.RunWakeAsync();
                if (Node.ConnectFailures > failuresTold)
                {
                    failuresTold = Node.ConnectFailures;
                    options.Log?.Invoke($"node {Node.DeviceId}: no broker at {_identity.Broker.Host}:{_identity.Broker.Port} ({failuresTold} failed connects); {Node.Journal.Pending} readings kept in the journal");
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
