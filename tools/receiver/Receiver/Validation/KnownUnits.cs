namespace NodeFirmware.Receiver.Validation;

/// <summary>Units this receiver accepts: SenML (RFC 8428) names plus mV, which the batch format allows for battery.</summary>
public static class KnownUnits
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "Cel", "K", "%RH", "Pa", "hPa", "V", "mV", "A", "mA", "W", "%", "%EL", "/", "lx", "dBm", "s", "ppm", "m", "Hz",
    };

    public static bool IsKnown(string unit) => All.Contains(unit);
}
