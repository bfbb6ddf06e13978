using System.Globalization;

namespace NodeFirmware.HostCommon.Campaigns;

/// <summary>
/// The values a health-gated campaign's plan may take (docs/receiver.md, "Health-gated stages"). The receiver refuses
/// anything outside them, and nodectl names the option before sending; both read them here.
/// </summary>
public static class GateLimits
{
    public const int MaxStages = 10;
    public const long MaxDwellSeconds = 30L * 24 * 3600;

    /// <summary>Devices offered per minute: more than 0, at most this.</summary>
    public const double MaxDevicesPerMinute = 10_000;

    public static readonly GateRange CrashFreeDrop = new(0, 1);
    public static readonly GateRange ReconnectRatio = new(1, 100);
    public static readonly GateRange ReconnectSlackPerDay = new(0, 1000);
    public static readonly GateRange WakeToPublishRatio = new(1, 100);
    public static readonly GateRange DrainRatio = new(1, 100);

    public const int MinMinDevices = 1, MaxMinDevices = 100_000;
}

/// <summary>A closed range of a threshold, [Min, Max]; NaN is outside every range.</summary>
public readonly record struct GateRange(double Min, double Max)
{
    public bool Contains(double value) => value >= Min && value <= Max;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Min}, {Max}]");
}
