namespace NodeFirmware.Procedures.Tests.Runner;

/// <summary>
/// The procedures the documents describe, each a list of document steps run in one session. Every ```sh block of a
/// document listed here must belong to a procedure (DocumentedCommandsTests), so no command a document tells the
/// reader to type goes untested. To add a document: add its steps to a procedure (or a new one with its own test), the
/// tools it runs to <see cref="ProcedureRunner.Tools"/>.
/// </summary>
public static class DocumentedProcedures
{
    /// <summary>Standing up the cloud: CA, broker, a bench device, the receiver, a revocation and a re-issued certificate.</summary>
    public static readonly IReadOnlyList<DocStep> Cloud = [new("docs/broker.md"), new("docs/receiver.md")];

    /// <summary>
    /// The factory line rehearsed on a simulated board: CA, station, a `nodesim board` and a local receiver, flashing by
    /// the board's layout and provisioning over the same RFC 2217 port, registration, re-provisioning, the audit log.
    /// The rehearsal's end comes last: it stops the board and the receiver the steps before it use.
    /// </summary>
    public static readonly IReadOnlyList<DocStep> Provisioning =
    [
        new("docs/provisioning.md", "Once per fleet"), new("docs/provisioning.md", "Per station"),
        new("docs/provisioning.md", "Starting the rehearsal"), new("docs/provisioning.md", "Per board"),
        new("docs/provisioning.md", "Re-provisioning and revocation"), new("docs/provisioning.md", "The audit log"),
        new("docs/provisioning.md", "Ending the rehearsal"),
    ];

    /// <summary>The clustered broker: a three-node NATS cluster from the PKI store, the receiver and a device through it.</summary>
    public static readonly IReadOnlyList<DocStep> Cluster = [new("docs/scaling.md")];

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<DocStep>> All = new Dictionary<string, IReadOnlyList<DocStep>>
    {
        ["cloud"] = Cloud,
        ["provisioning"] = Provisioning,
        ["cluster"] = Cluster,
    };

    public static IEnumerable<string> Documents => All.Values.SelectMany(p => p).Select(s => s.Document).Distinct();
}
