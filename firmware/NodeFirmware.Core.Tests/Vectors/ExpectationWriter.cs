using NodeFirmware.Core.Vectors;

namespace NodeFirmware.Core.Tests.Vectors;

/// <summary>Replaces each case's "expect:" line with what Core computes, leaving every other line as it is.</summary>
public static class ExpectationWriter
{
    public static string Rewrite(string text, VectorFile file)
    {
        var byLine = file.Cases.ToDictionary(c => c.Line);
        string[] lines = text.Split('\n');
        Vector? current = null;
        for (int i = 0; i < lines.Length; i++)
        {
            if (byLine.TryGetValue(i + 1, out var c)) current = c;
            if (current != null && lines[i].TrimStart().StartsWith("expect:", StringComparison.Ordinal))
            {
                lines[i] = "expect: " + VectorRunner.ComputeSafely(file.Kind, current);
                current = null;
            }
        }
        return string.Join('\n', lines);
    }
}
