using System.Formats.Cbor;

namespace NodeFirmware.Receiver.Ota;

/// <summary>nodes/{id}/ota/progress: { "c", "st", "done", "total" }.</summary>
public sealed record OtaProgressReport(string Campaign, string State, long Done, long Total);

/// <summary>nodes/{id}/ota/result: { "c", "ok", "fw", "err" (only when not ok) }.</summary>
public sealed record OtaResultReport(string Campaign, bool Ok, string Firmware, string? Error)
{
    /// <summary>The code before the colon of "code: detail".</summary>
    public string? ErrorCode => Error is null ? null : Error.Split(':', 2)[0].Trim();
}

/// <summary>Decodes what devices report about an update (docs/formats/firmware-package.md); unknown keys are skipped.</summary>
public static class OtaReports
{
    public static OtaProgressReport DecodeProgress(byte[] payload)
    {
        var map = ReadMap(payload, "progress");
        return new OtaProgressReport(Text(map, "c", "progress"), Text(map, "st", "progress"), Int(map, "done", "progress"), Int(map, "total", "progress"));
    }

    public static OtaResultReport DecodeResult(byte[] payload)
    {
        var map = ReadMap(payload, "result");
        if (!map.TryGetValue("ok", out var ok) || ok is not bool okValue) throw new FormatException("result: 'ok' (bool) is required");
        return new OtaResultReport(Text(map, "c", "result"), okValue, Text(map, "fw", "result"),
            map.TryGetValue("err", out var err) ? err as string : null);
    }

    private static Dictionary<string, object?> ReadMap(byte[] payload, string what)
    {
        try
        {
            var r = new CborReader(payload, CborConformanceMode.Lax);
            int n = r.ReadStartMap() ?? throw new FormatException($"{what}: indefinite-length map");
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (int i = 0; i < n; i++)
            {
                string key = r.ReadTextString();
                map[key] = r.PeekState() switch
                {
                    CborReaderState.TextString => r.ReadTextString(),
                    CborReaderState.Boolean => r.ReadBoolean(),
                    CborReaderState.UnsignedInteger => checked((long)r.ReadUInt64()),
                    _ => Skip(r),
                };
            }
            return map;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or OverflowException)
        {
            throw new FormatException($"{what}: not a CBOR map ({e.Message})", e);
        }
    }

    private static object? Skip(CborReader r)
    {
        r.SkipValue();
        return null;
    }

    private static string Text(Dictionary<string, object?> map, string key, string what) =>
        map.TryGetValue(key, out var v) && v is string s ? s : throw new FormatException($"{what}: '{key}' (text) is required");

    private static long Int(Dictionary<string, object?> map, string key, string what) =>
        map.TryGetValue(key, out var v) && v is long l ? l : throw new FormatException($"{what}: '{key}' (uint) is required");
}
