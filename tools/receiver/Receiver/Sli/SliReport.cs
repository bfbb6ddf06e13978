namespace NodeFirmware.Receiver.Sli;

/// <summary>The fleet SLIs (definitions in docs/receiver.md). A rate is null when its denominator is zero.</summary>
public sealed record SliReport(
    ConnectivitySli Connectivity,
    FreshnessSli Freshness,
    RatioSli Commands,
    RatioSli Ota,
    DateTimeOffset At,
    SliTargets Targets);

public sealed record ConnectivitySli(int Registered, int Seen, double? Rate, long WindowSeconds);

public sealed record FreshnessSli(int Devices, int WithoutReadings, double? P50Seconds, double? P95Seconds);

public sealed record RatioSli(long Good, long Total, double? Rate);

/// <summary>
/// What each SLI should reach: connectivity and the two success rates at least these shares, freshness p95 at most
/// <see cref="FreshnessP95Seconds"/> (default: three report periods, the connectivity window's default).
/// </summary>
public sealed record SliTargets
{
    public double Connectivity { get; init; } = 0.95;
    public double? FreshnessP95Seconds { get; init; }
    public double Commands { get; init; } = 0.99;
    public double Ota { get; init; } = 0.95;
}
