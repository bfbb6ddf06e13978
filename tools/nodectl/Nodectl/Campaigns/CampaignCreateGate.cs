using System.Globalization;
using NodeFirmware.HostCommon.Campaigns;

namespace NodeFirmware.Nodectl.Campaigns;

/// <summary>
/// The create body's <c>gate</c> (docs/receiver.md, "Health-gated stages"): stages instead of canary → rest, judged on the
/// updated devices' health. Fields left null take the receiver's defaults. <see cref="From"/> checks every value against
/// the ranges the receiver takes, so a mistyped option is named before anything is sent.
/// </summary>
public sealed record CampaignCreateGate(
    IReadOnlyList<double>? Stages, long? DwellSeconds, double? DevicesPerMinute, double? CrashFreeDrop, double? ReconnectRatio,
    double? ReconnectSlackPerDay, double? WakeToPublishRatio, double? DrainRatio, int? MinDevices)
{
    private const int MaxStagesText = 200;

    /// <summary>
    /// The gate the options ask for, or null when none is given (canary → rest). <paramref name="gated"/> alone asks for
    /// the receiver's default plan; any other option implies it. Throws <see cref="ArgumentException"/> naming the option.
    /// </summary>
    public static CampaignCreateGate? From(bool gated, string? stages, long? dwellSeconds, double? devicesPerMinute, double? crashFreeDrop,
        double? reconnectRatio, double? reconnectSlackPerDay, double? wakeToPublishRatio, double? drainRatio, int? minDevices)
    {
        var gate = new CampaignCreateGate(stages is null ? null : ParseStages(stages), dwellSeconds, devicesPerMinute, crashFreeDrop, reconnectRatio,
            reconnectSlackPerDay, wakeToPublishRatio, drainRatio, minDevices);
        if (!gated && gate == new CampaignCreateGate(null, null, null, null, null, null, null, null, null)) return null;
        gate.Check();
        return gate;
    }

    /// <summary>"1,10,50,100": cumulative shares of the cohort, growing, the last 100.</summary>
    private static List<double> ParseStages(string text)
    {
        const string Example = "give comma-separated percentages of the cohort growing to 100, e.g. --stages 1,10,50,100";
        if (text.Length > MaxStagesText) throw new ArgumentException($"--stages is {text.Length} characters; {Example}");
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > GateLimits.MaxStages) throw new ArgumentException($"--stages lists {parts.Length} stages; the receiver takes at most {GateLimits.MaxStages}");
        var stages = new List<double>();
        foreach (string part in parts)
        {
            string number = part.EndsWith('%') ? part[..^1].TrimEnd() : part;
            if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double p) || !double.IsFinite(p))
                throw new ArgumentException($"--stages: '{part}' is not a percentage; {Example}");
            if (!(p > 0 && p <= 100)) throw new ArgumentException($"--stages: stage {stages.Count + 1} is {Text(p)} %; each must be in (0, 100]");
            if (stages.Count > 0 && p <= stages[^1])
                throw new ArgumentException($"--stages must grow: stage {stages.Count + 1} ({Text(p)} %) is not above stage {stages.Count} ({Text(stages[^1])} %)");
            stages.Add(p);
        }
        if (stages[^1] != 100) throw new ArgumentException($"--stages: the last stage must be 100 %, not {Text(stages[^1])} %");
        return stages;
    }

    private void Check()
    {
        if (DwellSeconds is { } dwell && dwell is < 1 or > GateLimits.MaxDwellSeconds)
            throw new ArgumentException($"--dwell-seconds must be 1..{GateLimits.MaxDwellSeconds} (30 days), not {dwell}");
        if (DevicesPerMinute is { } rate && !(rate > 0 && rate <= GateLimits.MaxDevicesPerMinute))
            throw new ArgumentException($"--devices-per-minute must be in (0, {Text(GateLimits.MaxDevicesPerMinute)}], not {Text(rate)}");
        InRange("--crash-free-drop", CrashFreeDrop, GateLimits.CrashFreeDrop);
        InRange("--reconnect-ratio", ReconnectRatio, GateLimits.ReconnectRatio);
        InRange("--reconnect-slack-per-day", ReconnectSlackPerDay, GateLimits.ReconnectSlackPerDay);
        InRange("--wake-to-publish-ratio", WakeToPublishRatio, GateLimits.WakeToPublishRatio);
        InRange("--drain-ratio", DrainRatio, GateLimits.DrainRatio);
        if (MinDevices is { } min && min is < GateLimits.MinMinDevices or > GateLimits.MaxMinDevices)
            throw new ArgumentException($"--min-devices must be {GateLimits.MinMinDevices}..{GateLimits.MaxMinDevices}, not {min}");
    }

    private static void InRange(string option, double? value, GateRange range)
    {
        if (value is { } v && !range.Contains(v)) throw new ArgumentException($"{option} must be in {range}, not {Text(v)}");
    }

    /// <summary>For the line nodectl prints before sending: the plan as asked, "receiver default" where not given.</summary>
    public string Describe() =>
        "health-gated stages " + (Stages is null ? "(receiver default)" : string.Join(" → ", Stages.Select(Text)) + " %") +
        (DwellSeconds is { } d ? $", dwell {d} s" : "") + (DevicesPerMinute is { } r ? $", {Text(r)} devices/min" : "");

    private static string Text(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
