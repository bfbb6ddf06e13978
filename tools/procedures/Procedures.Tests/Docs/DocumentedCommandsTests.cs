using System.Text.RegularExpressions;
using NodeFirmware.Procedures.Tests.Runner;

namespace NodeFirmware.Procedures.Tests.Docs;

/// <summary>The documents and the runner cannot drift apart: every command block runs, and the runner provides what the prerequisites set up.</summary>
public sealed class DocumentedCommandsTests
{
    public static TheoryData<string> Documents => new(DocumentedProcedures.Documents);

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_shell_block_of_the_document_is_run_by_a_procedure(string document)
    {
        var blocks = MarkdownCommands.Read(RepositoryRoot.Path, document);
        Assert.NotEmpty(blocks);
        foreach (var block in blocks)
            Assert.True(CommandBlock.Kinds.Contains(block.Kind), $"{block.Location}: '```sh {block.Kind}' is not a kind the runner knows ({string.Join(", ", CommandBlock.Kinds.Select(k => $"'sh {k}'"))})");
        var covered = DocumentedProcedures.All.Values.SelectMany(p => p).Where(s => s.Document == document)
            .SelectMany(s => s.Blocks(RepositoryRoot.Path)).Select(b => b.Line).ToHashSet();
        var unrun = blocks.Where(b => b.Kind == CommandBlock.Run && !covered.Contains(b.Line)).Select(b => b.Location).ToList();
        Assert.True(unrun.Count == 0, $"shell blocks no procedure runs: {string.Join(", ", unrun)}; add their section to DocumentedProcedures or mark them as text");
    }

    [Fact]
    public void The_runner_provides_exactly_what_the_prerequisite_blocks_set_up()
    {
        var prerequisites = DocumentedProcedures.Documents.SelectMany(d => MarkdownCommands.Read(RepositoryRoot.Path, d))
            .Where(b => b.Kind == CommandBlock.Prerequisite).ToList();
        Assert.NotEmpty(prerequisites);
        string text = string.Join('\n', prerequisites.Select(b => b.Text));
        var aliases = Regex.Matches(text, @"^\s*alias\s+([A-Za-z_][A-Za-z0-9_]*)=", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        var exports = Regex.Matches(text, @"\bexport\s+([A-Z_][A-Z0-9_]*)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(ProcedureRunner.Tools.Keys.Order(), aliases.Order());
        Assert.Equal(ProcedureRunner.Variables.Order(), exports.Order());
    }

    [Fact]
    public void Every_port_the_runner_replaces_is_one_the_documents_use()
    {
        string commands = string.Join('\n', DocumentedProcedures.Documents.SelectMany(d => MarkdownCommands.Read(RepositoryRoot.Path, d)).Select(b => b.Text));
        foreach (var port in ProcedureRunner.DocumentedPorts)
            Assert.Matches($@"(?<![0-9]){port}(?![0-9])", commands);
    }

    [Fact]
    public void Blocks_are_found_with_their_line_section_and_kind()
    {
        string dir = Directory.CreateTempSubdirectory("nf-md-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "d.md"), "# A\n\n```sh\necho one\n```\n\n## B\n\n   ```sh prerequisite\n   x() { :; }\n   ```\n\n```text\nnot run\n```\n\n# C\n```sh\necho two\n```\n");
            var blocks = MarkdownCommands.Read(dir, "d.md");
            Assert.Equal([(3, "A", "", "echo one"), (9, "B", "prerequisite", "x() { :; }"), (18, "C", "", "echo two")],
                blocks.Select(b => (b.Line, b.Section, b.Kind, b.Text)));
            Assert.Equal([3, 9], new DocStep("d.md", "A").Blocks(dir).Select(b => b.Line));
            Assert.Equal([9], new DocStep("d.md", "B").Blocks(dir).Select(b => b.Line));
            Assert.Equal("--port 1234 18883x 1234", ProcedureRunner.WithPorts("--port 8883 18883x 8883", new Dictionary<int, int> { [8883] = 1234 }));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
