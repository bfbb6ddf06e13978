namespace NodeFirmware.Receiver.Quarantine;

/// <summary>What of a refused payload is kept: its first bytes up to the cap.</summary>
public static class QuarantinePayload
{
    public static byte[] Cap(ReadOnlySpan<byte> payload, int max) => payload.Length <= max ? payload.ToArray() : payload[..max].ToArray();

    public static string Describe(string detail, int length, int max) =>
        length <= max ? detail : $"{detail} [payload {length} bytes, first {max} kept]";
}
