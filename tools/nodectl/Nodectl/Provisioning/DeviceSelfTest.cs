using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>One check of a device's self-test: "sensor", "storage", "identity" (docs/formats/provisioning.md, SELF_TEST).</summary>
public sealed record SelfTestCheck(string Name, bool Ok, string Detail);

/// <summary>
/// A device's answer to SELF_TEST (Core's SelfTest: CBOR { "pass": bool, "checks": [ { "name", "ok", "detail" } ... ] }),
/// read strictly: it comes from a board on the line, so a malformed, inconsistent or oversized answer is refused, not
/// guessed at. Keys this nodectl does not know are skipped (a later firmware may add some).
/// </summary>
public sealed record DeviceSelfTest(bool Pass, IReadOnlyList<SelfTestCheck> Checks)
{
    public const int MaxChecks = 16;
    public const int MaxNameLength = 32;
    public const int MaxDetailLength = 256;

    /// <summary>The failed checks as "name: detail", joined by "; " (empty when every check passed).</summary>
    public string Failures() => string.Join("; ", Checks.Where(c => !c.Ok).Select(c => $"{c.Name}: {c.Detail}"));

    /// <exception cref="CborException">The payload is not a well-formed, consistent self-test result.</exception>
    public static DeviceSelfTest Decode(byte[] payload)
    {
        var r = new CborReader(payload);
        bool? pass = null;
        List<SelfTestCheck>? checks = null;
        int pairs = r.ReadStartMap();
        for (int p = 0; p < pairs; p++)
        {
            string key = r.ReadText();
            if (key == "pass") pass = r.ReadBoolean();
            else if (key == "checks") checks = ReadChecks(r);
            else r.SkipValue();
        }
        if (!r.AtEnd) throw new CborException("trailing bytes after the self-test result");
        if (pass is null) throw new CborException("self-test result: 'pass' missing");
        if (checks is null || checks.Count == 0) throw new CborException("self-test result: no checks");
        if (pass.Value != checks.All(c => c.Ok))
            throw new CborException($"self-test result says pass={pass.Value.ToString().ToLowerInvariant()} but its checks say otherwise");
        return new DeviceSelfTest(pass.Value, checks);
    }

    private static List<SelfTestCheck> ReadChecks(CborReader r)
    {
        int count = r.ReadStartArray();
        if (count > MaxChecks) throw new CborException($"self-test result: {count} checks, at most {MaxChecks}");
        var checks = new List<SelfTestCheck>(count);
        for (int i = 0; i < count; i++)
        {
            string? name = null, detail = null;
            bool? ok = null;
            int pairs = r.ReadStartMap();
            for (int p = 0; p < pairs; p++)
            {
                string key = r.ReadText();
                if (key == "name") name = Bounded(r.ReadText(), MaxNameLength, "name");
                else if (key == "ok") ok = r.ReadBoolean();
                else if (key == "detail") detail = Bounded(r.ReadText(), MaxDetailLength, "detail");
                else r.SkipValue();
            }
            if (string.IsNullOrEmpty(name) || ok is null || detail is null) throw new CborException($"self-test check {i + 1}: 'name', 'ok' or 'detail' missing");
            if (name.Any(c => c < 0x20 || c > 0x7E)) throw new CborException($"self-test check {i + 1}: the name is not printable ASCII");
            if (checks.Any(c => c.Name == name)) throw new CborException($"self-test result: check '{name}' twice");
            checks.Add(new SelfTestCheck(name, ok.Value, detail.Any(char.IsControl) ? new string(detail.Select(c => char.IsControl(c) ? ' ' : c).ToArray()) : detail));
        }
        return checks;
    }

    private static string Bounded(string text, int max, string what) =>
        text.Length <= max ? text : throw new CborException($"self-test check: '{what}' is {text.Length} characters, at most {max}");
}
