namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// The virtual nodes one <c>provision</c> run works through: <c>--tcp host:port[,port...]</c> and/or
/// <c>--tcp-range host:first-last</c>, in the order given, each endpoint once.
/// </summary>
public static class TcpTargets
{
    public const int MaxTargets = 10_000;

    public static IReadOnlyList<(string Host, int Port)> Parse(string? list, string? range)
    {
        var targets = new List<(string Host, int Port)>();
        if (list is not null)
        {
            var (host, first) = TcpSerialLink.ParseEndpoint(list.Split(',')[0].Trim());
            targets.Add((host, first));
            foreach (string more in list.Split(',').Skip(1))
            {
                targets.Add((host, Port(more.Trim(), $"--tcp '{list}'")));
            }
        }

        if (range is not null)
        {
            int colon = range.LastIndexOf(':');
            string[] bounds = colon > 0 ? range[(colon + 1)..].Split('-') : [];
            if (bounds.Length != 2) throw new ArgumentException($"--tcp-range '{range}' is not host:firstPort-lastPort");
            int from = Port(bounds[0], "--tcp-range"), to = Port(bounds[1], "--tcp-range");
            if (to < from) throw new ArgumentException($"--tcp-range '{range}': the last port is below the first");
            if (to - from + 1 > MaxTargets) throw new ArgumentException($"--tcp-range '{range}' spans more than {MaxTargets} ports");
            for (int p = from; p <= to; p++) targets.Add((range[..colon], p));
        }

        var seen = new HashSet<(string, int)>();
        foreach (var t in targets)
        {
            if (!seen.Add(t)) throw new ArgumentException($"{t.Host}:{t.Port} is listed twice");
        }

        if (targets.Count > MaxTargets) throw new ArgumentException($"more than {MaxTargets} devices in one run");
        return targets;
    }

    private static int Port(string text, string what) =>
        int.TryParse(text, out int port) && port is >= 1 and <= 65535 ? port : throw new ArgumentException($"{what}: '{text}' is not a port number");
}
