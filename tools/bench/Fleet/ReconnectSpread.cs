using System.Globalization;

namespace NodeFirmware.Bench.Fleet;

/// <summary>
/// When each node connected again after the broker's restart (null: not within the run), as percentiles over the
/// whole fleet: a node that never came back counts as never, so the 99th percentile exists only if 99 % did.
/// </summary>
internal sealed class ReconnectSpread(IReadOnlyList<double?> seconds)
{
    private readonly double[] _sorted = seconds.Where(s => s is not null).Select(s => s!.Value).Order().ToArray();

    public double? Percentile(double p)
    {
        int rank = (int)Math.Ceiling(p * seconds.Count);
        return rank <= _sorted.Length ? _sorted[Math.Max(rank, 1) - 1] : null;
    }

    public string Format(double p) => Percentile(p) is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "none";

    public override string ToString() => $"50 % after {Format(0.5)} s, 90 % after {Format(0.9)} s, 99 % after {Format(0.99)} s, all after {Format(1.0)} s";
}
