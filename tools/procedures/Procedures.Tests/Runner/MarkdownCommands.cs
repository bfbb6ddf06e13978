namespace NodeFirmware.Procedures.Tests.Runner;

/// <summary>
/// Finds the shell blocks of a Markdown document: fenced with ``` (or more backticks) and an info string whose first
/// word is <c>sh</c>. Other blocks (text, C#, diagrams, ```sh-less examples) are prose to the runner.
/// </summary>
public static class MarkdownCommands
{
    public static IReadOnlyList<CommandBlock> Read(string repositoryRoot, string document)
    {
        var lines = File.ReadAllLines(Path.Combine(repositoryRoot, document));
        var blocks = new List<CommandBlock>();
        string section = "";
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith('#')) section = line.TrimStart('#').Trim();
            string trimmed = line.TrimStart();
            if (!trimmed.StartsWith("```", StringComparison.Ordinal)) continue;
            string fence = new(trimmed.TakeWhile(c => c == '`').ToArray());
            string[] info = trimmed[fence.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int indent = line.Length - trimmed.Length;
            int start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith(fence, StringComparison.Ordinal); i++)
                body.Add(lines[i].Length >= indent ? lines[i][indent..] : lines[i].TrimStart());
            if (info.Length > 0 && info[0] == "sh")
                blocks.Add(new CommandBlock(document, start + 1, section, string.Join(' ', info.Skip(1)), string.Join('\n', body)));
        }
        return blocks;
    }
}
