namespace NodeFirmware.Procedures.Tests.Runner;

/// <summary>
/// The procedures the documents describe, each a list of document steps run in one session. Every ```sh block of a
/// document listed here must belong to a procedure (DocumentedCommandsTests), so no command a document tells the
/// reader to type goes untested. To add docs/provisioning.md: add its steps to a procedure (or a new one with its own
/// test), the tools it runs to <see cref="ProcedureRunner.Tools"/>.
/// </summary>
public static class DocumentedProcedures
{
    /// <summary>Standing up the cloud: CA, broker, a bench device, the receiver, a revocation and a re-issued certificate.</summary>
    public static readonly IReadOnlyList<DocStep> Cloud = [new("docs/broker.md"), new("docs/receiver.md")];

    /// <summary>The clustered broker: a three-node NATS cluster from the PKI store, the receiver and a device through it.</summary>
    public static readonly IReadOnlyList<DocStep> Cluster = [new("docs/scaling.md")];

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<DocStep>> All = new Dictionary<string, IReadOnlyList<DocStep>>
    {
        ["cloud"] = Cloud,
        ["cluster"] = Cluster,
    };

    public static IEnumerable<string> Documents => All.Values.SelectMany(p => p).Select(s => s.Document).Distinct();
}
