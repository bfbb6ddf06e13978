namespace NodeFirmware.Receiver.Api;

/// <summary>
/// The time range and bucket of a telemetry query. from/to are Unix seconds ([from, to)); defaults: the last 24 h;
/// bucket defaults to a width giving about 200 points, and at most 10,000 buckets are allowed.
/// </summary>
public readonly record struct TelemetryRange(long From, long To, int Bucket)
{
    public const int MaxBuckets = 10_000;
    public const int DefaultPoints = 200;

    public static TelemetryRange Parse(long? from, long? to, int? bucket, DateTimeOffset now, out string? error)
    {
        long t = to ?? now.ToUnixTimeSeconds() + 1;
        long f = from ?? t - 24 * 3600;
        error = null;
        if (f < 0 || t < 0) error = "from and to are Unix seconds and cannot be negative";
        else if (f >= t) error = $"from ({f}) must be before to ({t})";
        int b = bucket ?? (int)Math.Max(1, (t - f + DefaultPoints - 1) / DefaultPoints);
        if (error is null && b < 1) error = "bucket must be at least 1 second";
        else if (error is null && (t - f) / b > MaxBuckets) error = $"{(t - f) / b} buckets requested; at most {MaxBuckets}: widen the bucket or narrow the range";
        return new TelemetryRange(f, t, b);
    }
}
