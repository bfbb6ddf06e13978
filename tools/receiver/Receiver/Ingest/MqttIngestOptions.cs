namespace NodeFirmware.Receiver.Ingest;

/// <summary>How the ingest reaches the broker. Bound from the "Receiver:Broker" configuration section.</summary>
public sealed class MqttIngestOptions
{
    /// <summary>host:port of the broker's TLS listener; empty = no ingest (API and page only).</summary>
    public string? Address { get; set; }

    /// <summary>PEM files: the fleet CA that signed the broker's certificate; the receiver's certificate and key.</summary>
    public string? CaFile { get; set; }
    public string? CertFile { get; set; }
    public string? KeyFile { get; set; }

    /// <summary>Fixed per receiver instance so the broker keeps its session (and unacknowledged messages) across restarts.</summary>
    public string ClientId { get; set; } = "receiver-1";

    /// <summary>
    /// The shared-subscription group: receivers in one group split the telemetry between them. Empty (the default)
    /// subscribes without sharing. Mosquitto 2.0.11 (Debian 12) does not persist shared subscriptions, so after a
    /// broker restart, telemetry published before the receiver has re-subscribed is lost; a plain subscription is
    /// part of the persistent session and survives. Use a group for several receivers on a broker that persists them
    /// (Mosquitto ≥ 2.0.19), see docs/receiver.md.
    /// </summary>
    public string ShareGroup { get; set; } = "";

    /// <summary>"5" (default) or "3.1.1": the NATS cluster's MQTT (nats-server 2.9) speaks only 3.1.1.</summary>
    public string MqttVersion { get; set; } = "5";

    public MQTTnet.Formatter.MqttProtocolVersion ProtocolVersion => MqttVersion switch
    {
        "5" => MQTTnet.Formatter.MqttProtocolVersion.V500,
        "3.1.1" => MQTTnet.Formatter.MqttProtocolVersion.V311,
        _ => throw new ArgumentException($"MQTT version '{MqttVersion}' is not 5 or 3.1.1"),
    };

    /// <summary>How long the broker keeps the session while the receiver is away.</summary>
    public uint SessionExpirySeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>
    /// The most unacknowledged messages the broker may have in flight to this receiver (MQTT 5 Receive Maximum): the
    /// receiver's prefetch. Messages are acknowledged after their commit, so this bounds what the receiver holds
    /// (received, decoding, committing, acking) and must cover a few commits' worth (docs/receiver.md "Pipeline").
    /// </summary>
    public ushort ReceiveMaximum { get; set; } = 4096;

    /// <summary>Messages received and waiting to be decoded; beyond this the MQTT client's handler waits. 1..<see cref="DecodeQueueCapacityLimit"/>.</summary>
    public int DecodeQueueCapacity { get; set; } = 512;

    /// <summary>Messages committed in one transaction, at most. 1..<see cref="MaxMessagesPerCommitLimit"/>.</summary>
    public int MaxMessagesPerCommit { get; set; } = IngestWriter.DefaultMaxMessagesPerCommit;

    /// <summary>
    /// The decode queue holds received payloads (up to 16 KiB of telemetry each) in memory; the broker's in-flight window
    /// (<see cref="ReceiveMaximum"/>) already bounds what is waiting in the receiver, so a longer queue only costs memory.
    /// </summary>
    public const int DecodeQueueCapacityLimit = 16384;

    /// <summary>
    /// One commit holds the store's write lock while it runs, and the writer's queue holds two commits' worth of payloads;
    /// past a few thousand messages a commit gets no cheaper per reading (docs/receiver.md, "Ingest").
    /// </summary>
    public const int MaxMessagesPerCommitLimit = 8192;

    /// <summary>Why the pipeline settings cannot be used (empty when they can).</summary>
    public IReadOnlyList<string> PipelineProblems()
    {
        var problems = new List<string>();
        if (DecodeQueueCapacity is < 1 or > DecodeQueueCapacityLimit)
            problems.Add($"Receiver:Broker:DecodeQueueCapacity {DecodeQueueCapacity} is outside 1..{DecodeQueueCapacityLimit}: the queue holds received " +
                         $"payloads in memory, and the broker's in-flight window (ReceiveMaximum, {ReceiveMaximum}) already bounds what waits in the receiver");
        if (MaxMessagesPerCommit is < 1 or > MaxMessagesPerCommitLimit)
            problems.Add($"Receiver:Broker:MaxMessagesPerCommit {MaxMessagesPerCommit} is outside 1..{MaxMessagesPerCommitLimit}: a commit holds the store's " +
                         "write lock while it runs and the writer queues two commits' worth of payloads; beyond a few thousand it is no cheaper per reading");
        return problems;
    }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Address);

    public (string Host, int Port) ParseAddress()
    {
        var address = Address ?? "";
        int colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address[(colon + 1)..], out int port) || port is <= 0 or > 65535)
            throw new ArgumentException($"broker address '{address}' must be host:port");
        return (address[..colon], port);
    }

    private bool IsShared => !string.IsNullOrWhiteSpace(ShareGroup);

    /// <summary>The group the docs use: a plain-mode receiver can only guess which group an earlier shared run had.</summary>
    private const string DocumentedShareGroup = "receivers";

    private const string TelemetryTopics = "nodes/+/telemetry", StatusTopics = "nodes/+/status";

    /// <summary>
    /// Telemetry and status both through the group when there is one: each status is then one receiver's to store, as
    /// each telemetry batch is (a plain status subscription would hand every status to every receiver of the store).
    /// </summary>
    public string TelemetryFilter => InMode(TelemetryTopics, IsShared);
    public string StatusFilter => InMode(StatusTopics, IsShared);

    /// <summary>The filters of the other mode (shared vs plain), removed from a resumed session.</summary>
    public IReadOnlyList<string> OtherModeFilters => [InMode(TelemetryTopics, !IsShared), InMode(StatusTopics, !IsShared)];

    private string InMode(string topics, bool shared) => shared ? $"$share/{(IsShared ? ShareGroup : DocumentedShareGroup)}/{topics}" : topics;
}
