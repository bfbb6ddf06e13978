namespace NodeFirmware.Procedures.Tests.Runner;

/// <summary>
/// One fenced code block of a document that a reader types into a shell. Its info string starts with <c>sh</c>:
/// <c>```sh</c> blocks are run by the runner in document order; <c>```sh prerequisite</c> blocks set up what the runner
/// provides itself (the tools on PATH, the repository, the CA passphrase), see <see cref="ProcedureRunner"/>.
/// </summary>
/// <param name="Line">1-based line of the opening fence.</param>
/// <param name="Section">The heading the block is under (without the #s).</param>
public sealed record CommandBlock(string Document, int Line, string Section, string Kind, string Text)
{
    public const string Run = "";
    public const string Prerequisite = "prerequisite";
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string> { Run, Prerequisite };

    public string Location => $"{Document}:{Line}";
}
