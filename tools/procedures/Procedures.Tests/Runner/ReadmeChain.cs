using System.Text.RegularExpressions;

namespace NodeFirmware.Procedures.Tests.Runner;

/// <summary>
/// The README's "Getting started" list, read as the steps of a procedure: each item's link names a document and a
/// section by its anchor (GitHub's heading slug), in the order a new user follows them. The procedure that runs them
/// is built from this list, so what the README points to and what the test runs cannot differ.
/// </summary>
public static partial class ReadmeChain
{
    public const string Readme = "README.md";
    public const string Section = "Getting started: one board from the factory line to the fleet page";
    private const int MaxSteps = 32;

    public static IReadOnlyList<DocStep> Steps(string repositoryRoot)
    {
        var lines = File.ReadAllLines(Path.Combine(repositoryRoot, Readme));
        int start = Array.FindIndex(lines, l => l.StartsWith("## ", StringComparison.Ordinal) && l[3..].Trim() == Section);
        if (start < 0) throw new InvalidOperationException($"{Readme} has no section '## {Section}'");
        var steps = new List<DocStep>();
        for (int i = start + 1; i < lines.Length && !lines[i].StartsWith("#", StringComparison.Ordinal); i++)
        {
            var item = ListItemLink().Match(lines[i]);
            if (!item.Success) continue;
            string document = item.Groups["doc"].Value;
            string anchor = item.Groups["anchor"].Value;
            steps.Add(new DocStep(document, HeadingFor(repositoryRoot, document, anchor)));
            if (steps.Count > MaxSteps) throw new InvalidOperationException($"{Readme} '{Section}' lists more than {MaxSteps} steps");
        }

        return steps.Count > 0 ? steps : throw new InvalidOperationException($"{Readme} '{Section}' lists no steps");
    }

    /// <summary>GitHub's anchor for a heading: lower case, punctuation other than '-' and '_' dropped, spaces as '-'.</summary>
    public static string Slug(string heading) =>
        new string(heading.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');

    private static string HeadingFor(string repositoryRoot, string document, string anchor)
    {
        bool fenced = false;
        foreach (string line in File.ReadAllLines(Path.Combine(repositoryRoot, document)))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            if (fenced || !line.StartsWith('#')) continue;
            string heading = line.TrimStart('#').Trim();
            if (Slug(heading) == anchor) return heading;
        }

        throw new InvalidOperationException($"{Readme} points to {document}#{anchor}, which is no heading of {document}");
    }

    [GeneratedRegex(@"^\s*\d+\.\s+\[[^\]]+\]\((?<doc>docs/[A-Za-z0-9_./-]+\.md)#(?<anchor>[a-z0-9_-]+)\)")]
    private static partial Regex ListItemLink();
}
