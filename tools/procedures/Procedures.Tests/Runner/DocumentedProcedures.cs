namespace NodeFirmware.Procedures.Tests.Runner;

/// <summary>
/// The procedures the documents describe, each a list of document steps run in one session. Every ```sh block of a
/// document listed here must belong to a procedure (DocumentedCommandsTests), so no command a document tells the
/// reader to type goes untested. To add a document: add its steps to a procedure (or a new one with its own test), the
/// tools it runs to <see cref="ProcedureRunner.Tools"/>.
/// </summary>
public static class DocumentedProcedures
{
    /// <summary>
    /// Standing up the cloud: CA, broker, a bench device, the receiver, a revocation and a re-issued certificate, an OTA
    /// campaign paused, resumed and aborted. receiver.md's "A board from the factory line" belongs to <see cref="Provisioning"/>.
    /// </summary>
    public static readonly IReadOnlyList<DocStep> Cloud =
    [
        new("docs/broker.md"), new("docs/receiver.md", "Running it"), new("docs/receiver.md", "Revocation"),
        new("docs/receiver.md", "OTA campaigns"), new("docs/receiver.md", "Stopping"),
    ];

    /// <summary>
    /// README's "Getting started", step by step (<see cref="ReadmeChain"/>): the factory line rehearsed on a simulated
    /// board against the real cloud (CA, Mosquitto with mutual TLS, the receiver with the PKI store and the release key),
    /// the board flashed by its layout and provisioned over the same RFC 2217 port, its readings on the receiver, an OTA
    /// campaign it completes, its revocation, a new identity with --factory-reset, the audit log. The rehearsal's end
    /// comes last: it stops the board, the receiver and the broker the steps before it use.
    /// </summary>
    public static readonly IReadOnlyList<DocStep> Provisioning = ReadmeChain.Steps(RepositoryRoot.Path);

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
