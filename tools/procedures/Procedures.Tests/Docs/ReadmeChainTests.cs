using NodeFirmware.Procedures.Tests.Runner;

namespace NodeFirmware.Procedures.Tests.Docs;

/// <summary>README's "Getting started" is the procedure the tests run: its links, in order, name existing sections.</summary>
public sealed class ReadmeChainTests
{
    [Fact]
    public void The_provisioning_procedure_is_the_readmes_list_from_provisioning_through_the_receiver_and_back()
    {
        var steps = ReadmeChain.Steps(RepositoryRoot.Path);
        Assert.Equal(steps, DocumentedProcedures.Provisioning);
        Assert.Equal(new DocStep("docs/provisioning.md", "Once per fleet"), steps[0]);
        Assert.Equal(new DocStep("docs/provisioning.md", "Ending the rehearsal"), steps[^1]);
        int board = steps.ToList().IndexOf(new DocStep("docs/provisioning.md", "The board on the receiver"));
        int receiver = steps.ToList().FindIndex(s => s.Document == "docs/receiver.md");
        int reprovision = steps.ToList().IndexOf(new DocStep("docs/provisioning.md", "Re-provisioning and revocation"));
        Assert.True(board >= 0 && board < receiver && receiver < reprovision, string.Join(" → ", steps));
        Assert.All(steps, s => Assert.NotEmpty(s.Blocks(RepositoryRoot.Path).Where(b => b.Kind == CommandBlock.Run)));
    }

    [Fact]
    public void Anchors_are_githubs_heading_slugs_and_a_link_to_no_heading_is_refused()
    {
        Assert.Equal("a-board-from-the-factory-line-an-update-and-a-revocation", ReadmeChain.Slug("A board from the factory line: an update and a revocation"));
        Assert.Equal("re-provisioning-and-revocation", ReadmeChain.Slug("Re-provisioning and revocation"));

        string dir = Directory.CreateTempSubdirectory("nf-readme-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "docs"));
            File.WriteAllText(Path.Combine(dir, "docs", "a.md"), "# A\n\n## First step\n```sh\necho 1\n```\n");
            File.WriteAllText(Path.Combine(dir, "README.md"), $"# R\n\n## {ReadmeChain.Section}\n\n1. [one](docs/a.md#first-step): x\n2. [two](docs/a.md#second-step): y\n");
            Assert.Contains("points to docs/a.md#second-step, which is no heading", Assert.Throws<InvalidOperationException>(() => ReadmeChain.Steps(dir)).Message);

            File.WriteAllText(Path.Combine(dir, "README.md"), $"# R\n\n## {ReadmeChain.Section}\n\n1. [one](docs/a.md#first-step): x\n\n## Next\n\n2. [two](docs/a.md#second-step): y\n");
            Assert.Equal([new DocStep("docs/a.md", "First step")], ReadmeChain.Steps(dir)); // the list ends with its section
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
