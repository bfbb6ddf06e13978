using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Config;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>Turns <c>--config key=value</c> options into the bundle's CBOR configuration map, checked like the device checks it.</summary>
public static class ConfigOverrides
{
    public static byte[]? Build(IReadOnlyList<string> assignments)
    {
        if (assignments.Count == 0) return null;
        var pairs = new List<(string Key, long Value)>();
        foreach (var a in assignments)
        {
            int eq = a.IndexOf('=');
            if (eq <= 0 || !long.TryParse(a[(eq + 1)..], out long value))
                throw new ArgumentException($"--config '{a}' is not key=integer (keys: see docs/formats/config.md)");
            string key = a[..eq].Trim();
            if (pairs.Any(p => p.Key == key)) throw new ArgumentException($"--config sets '{key}' twice");
            pairs.Add((key, value));
        }
        var w = new CborWriter();
        w.WriteStartMap(pairs.Count);
        foreach (var (key, value) in pairs)
        {
            w.WriteText(key);
            w.WriteInt64(value);
        }
        byte[] cbor = w.ToArray();
        if (ConfigCodec.Apply(new DeviceConfig(), cbor, out string reason) is null)
            throw new ArgumentException("--config: " + reason);
        return cbor;
    }
}
