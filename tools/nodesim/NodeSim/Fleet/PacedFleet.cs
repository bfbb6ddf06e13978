using System.Diagnostics;
using NodeSim.Node;

namespace NodeSim.Fleet;

/// <summary>
/// Virtual nodes on the wall clock: every node runs its own loop and wakes when real time reaches its next wake,
/// virtual time running <see cref="Speed"/> times faster than real time. Unlike <see cref="VirtualFleet"/>, which
/// jumps from one wake to the next, the fleet keeps its sessions open for as long (divided by the speed) as the
/// firmware listens, so the broker sees the fleet's real concurrency and can be restarted under it. A node that
/// falls behind (a busy machine) wakes at once and catches up; it never skips a wake.
/// Give the nodes <see cref="VirtualNodeOptions.ListenRealTimeShare"/> = 1 / <see cref="Speed"/> so that listening
/// takes the same real time as sleeping does.
/// </summary>
public sealed class PacedFleet
{
    private readonly Stopwatch _real = Stopwatch.StartNew();

    public PacedFleet(long virtualStartUnixMillis, double speed)
    {
        if (speed is <= 0 or > 1000) throw new ArgumentOutOfRangeException(nameof(speed), speed, "the speed must be in (0, 1000]");
        VirtualStartUnixMillis = virtualStartUnixMillis;
        Speed = speed;
    }

    public long VirtualStartUnixMillis { get; }
    public double Speed { get; }

    /// <summary>The virtual time the wall clock has reached.</summary>
    public long VirtualNowUnixMillis => VirtualStartUnixMillis + (long)(_real.Elapsed.TotalMilliseconds * Speed);

    /// <summary>Real time from now until the wall clock reaches <paramref name="virtualUnixMillis"/> (zero if it has).</summary>
    public TimeSpan RealDelayUntil(long virtualUnixMillis) =>
        TimeSpan.FromMilliseconds(Math.Max(0, (virtualUnixMillis - VirtualNowUnixMillis) / Speed));

    /// <summary>
    /// Runs every node until <paramref name="drain"/> is signalled and the node's journal holds nothing unacknowledged
    /// (so every reading a node sampled has been acknowledged by the broker when this returns), or until
    /// <paramref name="abort"/>.
    /// </summary>
    public Task RunAsync(IReadOnlyList<VirtualNode> nodes, CancellationToken drain, CancellationToken abort) =>
        Task.WhenAll(nodes.Select(node => Task.Run(() => RunNodeAsync(node, drain, abort), abort)));

    private async Task RunNodeAsync(VirtualNode node, CancellationToken drain, CancellationToken abort)
    {
        using var drainOrAbort = CancellationTokenSource.CreateLinkedTokenSource(drain, abort);
        while (true)
        {
            abort.ThrowIfCancellationRequested();
            bool idle = node.Journal.Pending == 0;
            if (drain.IsCancellationRequested && idle) return;
            var wait = RealDelayUntil(node.WakeAtUnixMillis);
            if (wait > TimeSpan.Zero)
            {
                // A node with nothing to deliver may stop in its sleep; one still holding readings sleeps on and delivers them.
                try { await Task.Delay(wait, idle ? drainOrAbort.Token : abort); }
                catch (OperationCanceledException) when (!abort.IsCancellationRequested) { return; }
            }
            await node.RunWakeAsync();
        }
    }
}
