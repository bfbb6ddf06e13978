namespace NodeFirmware.HostCommon.Telemetry;

/// <summary>Telemetry batch version 2's channel codes (docs/formats/README.md): each stands for version 1's name, SenML unit and exponent.</summary>
public static class PackedChannels
{
    public const int MaxCode = 4;

    private static readonly (string Name, string Unit, int Exponent)[] Columns =
    [
        ("temperature", "Cel", -2),
        ("humidity", "%RH", -2),
        ("pressure", "Pa", 0),
        ("battery", "V", -3),
    ];

    /// <summary>The channel a code stands for; false for a code version 2 does not define.</summary>
    public static bool TryGet(long code, out (string Name, string Unit, int Exponent) channel)
    {
        bool known = code >= 1 && code <= MaxCode;
        channel = known ? Columns[code - 1] : default;
        return known;
    }
}
