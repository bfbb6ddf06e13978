using System.Globalization;

namespace NodeFirmware.Bench.Fleet;

/// <summary>What one `bench fleet` run measured; <see cref="ResultLine"/> is its RESULT line.</summary>
public sealed record FleetResult
{
    public required int Nodes { get; init; }
    /// <summary>Nodes that had connected before the broker was stopped.</summary>
    public required int ConnectedBeforeRestart { get; init; }
    /// <summary>Nodes that connected again after the broker's restart.</summary>
    public required int Reconnected { get; init; }
    /// <summary>Readings the nodes sampled (their journals' sequence numbers).</summary>
    public required long Generated { get; init; }
    /// <summary>Distinct idempotency keys in the receiver's store.</summary>
    public required long Stored { get; init; }
    /// <summary>Rows in the store that repeat a key.</summary>
    public required long Duplicated { get; init; }
    /// <summary>Redeliveries the store recognised by key and did not store again.</summary>
    public required long DuplicatesIgnored { get; init; }
    /// <summary>Readings still in the nodes' journals at the end (not acknowledged).</summary>
    public required long PendingInJournals { get; init; }
    public required long DroppedByJournals { get; init; }
    /// <summary>Real seconds from the broker accepting connections again to 99 % (and all) of the nodes connected.</summary>
    public required double? Reconnect99Seconds { get; init; }
    public required double? ReconnectAllSeconds { get; init; }
    public required double RssMbPerNode { get; init; }
    public required string Details { get; init; }

    public long Lost => Generated - Stored;

    public string ResultLine => string.Create(CultureInfo.InvariantCulture,
        $"RESULT fleet nodes={Nodes} connected={Reconnected} generated={Generated} stored={Stored} lost={Lost} duplicated={Duplicated} " +
        $"reconnect_99_s={Seconds(Reconnect99Seconds)} rss_mb_per_node={RssMbPerNode:F3} connected_before_restart={ConnectedBeforeRestart} " +
        $"reconnect_all_s={Seconds(ReconnectAllSeconds)} redeliveries_ignored={DuplicatesIgnored} pending_in_journals={PendingInJournals} " +
        $"dropped_by_journals={DroppedByJournals} {Details}");

    private static string Seconds(double? s) => s is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : "none";
}
