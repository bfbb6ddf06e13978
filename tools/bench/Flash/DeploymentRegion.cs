namespace NodeFirmware.Bench.Flash;

/// <summary>
/// A stand-in for a nanoFramework deployment region: assemblies one after another, each starting on a 4-byte
/// boundary, the gaps 0xFF (erased flash). The bench fills it with real .NET assemblies of this repository; on a
/// device they would be nanoFramework .pe files, which are laid out the same way.
/// </summary>
public sealed record DeploymentRegion(byte[] Bytes, IReadOnlyList<(string Name, int Offset, int Length)> Assemblies)
{
    public static DeploymentRegion Lay(IEnumerable<(string Name, byte[] Bytes)> assemblies)
    {
        var output = new List<byte>();
        var map = new List<(string, int, int)>();
        foreach (var (name, bytes) in assemblies)
        {
            while (output.Count % 4 != 0)
            {
                output.Add(0xFF);
            }

            map.Add((name, output.Count, bytes.Length));
            output.AddRange(bytes);
        }

        return new DeploymentRegion(output.ToArray(), map);
    }

    public string Describe() => string.Join(" + ", Assemblies.Select(a => $"{a.Name}({a.Length})"));
}
