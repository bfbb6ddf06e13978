namespace NodeFirmware.Nodectl.Flashing;

/// <summary>The board name an operator most likely meant, for "unknown board" messages.</summary>
public static class BoardNames
{
    /// <summary>
    /// The only known name that starts with <paramref name="typed"/> (esp32-devkitc -> esp32-devkitc-v4), else the
    /// nearest by edit distance if it is close enough to be a typo; null when nothing is close.
    /// </summary>
    public static string? Closest(string typed, IReadOnlyList<string> known)
    {
        string t = typed.Trim().ToLowerInvariant();
        var extending = known.Where(k => k.StartsWith(t, StringComparison.Ordinal)).ToList();
        if (t.Length > 0 && extending.Count == 1)
        {
            return extending[0];
        }

        var best = known
            .Select(k => (Name: k, Distance: EditDistance(t, k)))
            .OrderBy(x => x.Distance)
            .ThenBy(x => x.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, best.Name.Length / 3) ? best.Name : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
