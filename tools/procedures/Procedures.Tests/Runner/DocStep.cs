namespace NodeFirmware.Procedures.Tests.Runner;

/// <summary>A document, or one section of it: the heading and everything under it up to the next heading of its level or higher.</summary>
public sealed record DocStep(string Document, string? Section = null)
{
    public IReadOnlyList<CommandBlock> Blocks(string repositoryRoot)
    {
        var all = MarkdownCommands.Read(repositoryRoot, Document);
        if (Section is null) return all;
        var (first, last) = SectionLines(File.ReadAllLines(Path.Combine(repositoryRoot, Document)));
        return all.Where(b => b.Line > first && b.Line <= last).ToList();
    }

    /// <summary>1-based line of the section's heading and of its last line.</summary>
    private (int First, int Last) SectionLines(string[] lines)
    {
        int start = -1, level = 0;
        bool fenced = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            if (fenced || !lines[i].StartsWith('#')) continue;
            int depth = lines[i].TakeWhile(c => c == '#').Count();
            if (start < 0 && lines[i][depth..].Trim() == Section) (start, level) = (i + 1, depth);
            else if (start >= 0 && depth <= level) return (start, i);
        }
        return start >= 0 ? (start, lines.Length) : throw new InvalidOperationException($"{Document} has no section '{Section}'");
    }

    public override string ToString() => Section is null ? Document : $"{Document} \"{Section}\"";
}
