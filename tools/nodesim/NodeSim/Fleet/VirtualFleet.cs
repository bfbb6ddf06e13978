using NodeSim.Hardware;
using NodeSim.Node;

namespace NodeSim.Fleet;

/// <summary>
/// Many virtual nodes on one virtual clock. Time jumps from one wake to the next; the nodes that wake
/// within the same virtual second run concurrently, each against the real broker.
/// </summary>
public sealed class VirtualFleet : IAsyncDisposable
{
    // Nodes only meet through the broker, so those waking within this much virtual time may run side by side.
    private const long BatchWindowMillis = 60_000;

    private readonly List<VirtualNode> _nodes = new();

    public VirtualFleet(long startUnixMillis) => Clock = new VirtualClock(startUnixMillis);

    public VirtualClock Clock { get; }
    public IReadOnlyList<VirtualNode> Nodes => _nodes;
    public int MaxConcurrency { get; init; } = 32;

    /// <summary>Adds a node whose first boot is <paramref name="firstWakeDelayMillis"/> after the fleet's current time.</summary>
    public VirtualNode Add(VirtualNodeOptions options, long firstWakeDelayMillis = 0)
    {
        var node = new VirtualNode(options, Clock.NowMillis + firstWakeDelayMillis);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Runs every node until virtual time reaches <paramref name="endUnixMillis"/>.</summary>
    public async Task RunUntilAsync(long endUnixMillis, CancellationToken cancellation = default)
    {
        using var gate = new SemaphoreSlim(MaxConcurrency);
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            long earliest = _nodes.Count == 0 ? long.MaxValue : _nodes.Min(n => n.WakeAtUnixMillis);
            if (earliest >= endUnixMillis) break;
            Clock.AdvanceTo(earliest);
            var due = _nodes.Where(n => n.WakeAtUnixMillis < Math.Min(earliest + BatchWindowMillis, endUnixMillis)).ToList();
            await Task.WhenAll(due.Select(async node =>
            {
                await gate.WaitAsync(cancellation);
                try { await node.RunWakeAsync(); }
                finally { gate.Release(); }
            }));
        }
        Clock.AdvanceTo(Math.Max(Clock.NowMillis, endUnixMillis));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
    }
}
