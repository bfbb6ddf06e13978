namespace NodeFirmware.HostCommon.Telemetry;

public static class CheckedSum
{
    /// <summary>a + b; false when the sum overflows a 64-bit integer.</summary>
    public static bool TryAdd(long a, long b, out long sum)
    {
        sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) >= 0;
    }
}
