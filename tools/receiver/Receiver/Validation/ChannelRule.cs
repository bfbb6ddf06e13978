namespace NodeFirmware.Receiver.Validation;

/// <summary>The units a known channel may use and the plausible range of its values in each.</summary>
public sealed record ChannelRule(string Channel, IReadOnlyDictionary<string, (double Min, double Max)> RangeByUnit);

/// <summary>
/// Rules for the channels the firmware sends. Ranges are the BME280's operating ranges (datasheet section 1:
/// -40..85 °C, 0..100 %RH, 300..1100 hPa) and a battery window wide enough for any cell chemistry on the boards.
/// </summary>
public static class ChannelRules
{
    public static readonly IReadOnlyDictionary<string, ChannelRule> Known = new Dictionary<string, ChannelRule>(StringComparer.Ordinal)
    {
        ["temperature"] = new("temperature", new Dictionary<string, (double, double)> { ["Cel"] = (-40, 85), ["K"] = (233.15, 358.15) }),
        ["humidity"] = new("humidity", new Dictionary<string, (double, double)> { ["%RH"] = (0, 100) }),
        ["pressure"] = new("pressure", new Dictionary<string, (double, double)> { ["Pa"] = (30_000, 110_000), ["hPa"] = (300, 1_100) }),
        ["battery"] = new("battery", new Dictionary<string, (double, double)> { ["V"] = (0, 6), ["mV"] = (0, 6_000), ["%EL"] = (0, 100) }),
    };
}
