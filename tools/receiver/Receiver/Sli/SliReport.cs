namespace NodeFirmware.Receiver.Sli;

/// <summary>The fleet SLIs (definitions in docs/receiver.md). A rate is null when its denominator is zero.</summary>
public sealed record SliReport(
    ConnectivitySli Connectivity,
    FreshnessSli Freshness,
    RatioSli Commands,
    RatioSli Ota,
    DateTimeOffset At);

public sealed record ConnectivitySli(int Registered, int Seen, double? Rate, long WindowSeconds);

public sealed record FreshnessSli(int Devices, int WithoutReadings, double? P50Seconds, double? P95Seconds);

public sealed record RatioSli(long Good, long Total, double? Rate);
