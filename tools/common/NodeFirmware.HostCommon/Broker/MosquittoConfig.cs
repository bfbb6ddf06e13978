using System.Globalization;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Broker;

/// <summary>
/// The model of one Mosquitto 2.0 broker: one mutual-TLS listener, per-device topic ACLs, persistence.
/// <see cref="Write"/> renders mosquitto.conf and the ACL file into <see cref="RunDirectory"/>.
/// Every directive used exists in Mosquitto 2.0.11 (Debian 12); see docs/broker.md for the why of each value.
/// </summary>
public sealed class MosquittoConfig
{
    public const string ConfFileName = "mosquitto.conf";
    public const string AclFileName = "acl";
    public const string LogFileName = "mosquitto.log";
    public const string PidFileName = "mosquitto.pid";
    public const string DatabaseFileName = "mosquitto.db";

    public required string RunDirectory { get; init; }
    public string BindAddress { get; init; } = "127.0.0.1";
    /// <summary>The TLS listener's port; 0 lets <see cref="MosquittoInstance"/> pick a free one.</summary>
    public int Port { get; init; }
    public required string CaFile { get; init; }
    public required string CertFile { get; init; }
    public required string KeyFile { get; init; }
    public required string CrlFile { get; init; }
    /// <summary>Minimum TLS version (Mosquitto 2.0 treats tls_version as a floor: tlsv1.2 still allows 1.3).</summary>
    public string TlsVersion { get; init; } = "tlsv1.2";
    /// <summary>Certificate CNs that get the receiver's ACL block; each receiver instance has its own identity.</summary>
    public IReadOnlyList<string> ReceiverIdentities { get; init; } = [ServiceIdentity.Receiver];
    /// <summary>Certificate CNs that may only read telemetry and status (TopicAcl.ObserverTopics).</summary>
    public IReadOnlyList<string> ObserverIdentities { get; init; } = [];

    /// <summary>Seconds between saves of the in-memory state (or, with <see cref="AutosaveOnChanges"/>, a change count).</summary>
    public int AutosaveIntervalSeconds { get; init; } = 1;
    /// <summary>Mosquitto reads autosave_interval as a number of changes instead of seconds when this is set.</summary>
    public bool AutosaveOnChanges { get; init; }
    /// <summary>QoS 1/2 messages queued per offline or slow client beyond the in-flight ones; more are DROPPED by Mosquitto.</summary>
    public int MaxQueuedMessages { get; init; } = 100_000;
    /// <summary>Byte cap of the same queue; 0 = none, so only <see cref="MaxQueuedMessages"/> limits it.</summary>
    public long MaxQueuedBytes { get; init; }
    /// <summary>Outgoing QoS 1/2 messages per client awaiting PUBACK.</summary>
    public int MaxInflightMessages { get; init; } = 20;
    /// <summary>Largest accepted MQTT packet (0 = no limit). Default 64 KiB: a telemetry batch is ≤ 16 KiB, OTA chunks are smaller.</summary>
    public int MaxPacketSize { get; init; } = 64 * 1024;
    /// <summary>
    /// The user Mosquitto switches to when started as root. Defaults to the current user so the broker keeps
    /// access to the 0600 key files and the run directory it was given ("root" means: don't switch).
    /// </summary>
    public string User { get; init; } = Environment.UserName;

    public string ConfPath => Path.Combine(RunDirectory, ConfFileName);
    public string AclPath => Path.Combine(RunDirectory, AclFileName);
    public string LogPath => Path.Combine(RunDirectory, LogFileName);
    public string PidPath => Path.Combine(RunDirectory, PidFileName);
    public string PersistenceDirectory => Path.Combine(RunDirectory, "data");
    public string DatabasePath => Path.Combine(PersistenceDirectory, DatabaseFileName);

    /// <summary>A broker using a PKI store's CA, broker certificate and CRL.</summary>
    public static MosquittoConfig ForStore(PkiStore store, string runDirectory, int port = 0, IReadOnlyList<string>? receiverIdentities = null) =>
        new()
        {
            RunDirectory = Path.GetFullPath(runDirectory),
            Port = port,
            CaFile = store.CaCertificatePath,
            CertFile = store.BrokerCertificatePath,
            KeyFile = store.BrokerKeyPath,
            CrlFile = store.CrlPath,
            ReceiverIdentities = receiverIdentities ?? [ServiceIdentity.Receiver],
        };

    public MosquittoConfig WithPort(int port) => With(port: port);

    /// <summary>A copy with some values changed.</summary>
    public MosquittoConfig With(int? port = null, int? maxQueuedMessages = null, long? maxQueuedBytes = null,
        int? maxInflightMessages = null, int? autosaveIntervalSeconds = null, bool? autosaveOnChanges = null,
        IReadOnlyList<string>? receiverIdentities = null, IReadOnlyList<string>? observerIdentities = null) => new()
    {
        RunDirectory = RunDirectory, BindAddress = BindAddress, Port = port ?? Port, CaFile = CaFile, CertFile = CertFile,
        KeyFile = KeyFile, CrlFile = CrlFile, TlsVersion = TlsVersion, ReceiverIdentities = receiverIdentities ?? ReceiverIdentities,
        ObserverIdentities = observerIdentities ?? ObserverIdentities,
        AutosaveIntervalSeconds = autosaveIntervalSeconds ?? AutosaveIntervalSeconds, AutosaveOnChanges = autosaveOnChanges ?? AutosaveOnChanges,
        MaxQueuedMessages = maxQueuedMessages ?? MaxQueuedMessages, MaxQueuedBytes = maxQueuedBytes ?? MaxQueuedBytes,
        MaxInflightMessages = maxInflightMessages ?? MaxInflightMessages, MaxPacketSize = MaxPacketSize, User = User,
    };

    /// <summary>Checks the model; with <paramref name="requireFiles"/> also that the certificate, key and CRL files exist.</summary>
    public void Validate(bool requireFiles = true)
    {
        if (Port is < 1 or > 65535) throw new BrokerException($"listener port {Port} is not in 1..65535 (pick one before rendering)");
        foreach (var (name, path) in new[] { ("run directory", RunDirectory), ("cafile", CaFile), ("certfile", CertFile), ("keyfile", KeyFile), ("crlfile", CrlFile) })
        {
            if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
                throw new BrokerException($"{name} must be an absolute path, got '{path}'");
            if (path.Any(char.IsWhiteSpace) || path.Contains('#'))
                throw new BrokerException($"{name} '{path}' contains whitespace or '#', which mosquitto.conf cannot express");
        }
        foreach (var (name, path) in new[] { ("cafile", CaFile), ("certfile", CertFile), ("keyfile", KeyFile), ("crlfile", CrlFile) })
            if (requireFiles && !File.Exists(path)) throw new BrokerException($"{name} {path} does not exist (create the PKI store first)");
        if (TlsVersion is not ("tlsv1.2" or "tlsv1.3")) throw new BrokerException($"tls_version '{TlsVersion}' is not tlsv1.2 or tlsv1.3");
        if (ReceiverIdentities.Count == 0) throw new BrokerException("at least one receiver identity is needed");
        foreach (var r in ReceiverIdentities)
            if (!ServiceIdentity.IsValid(r)) throw new BrokerException($"receiver identity '{r}' is not a valid service identity");
        foreach (var o in ObserverIdentities)
            if (!ServiceIdentity.IsValid(o)) throw new BrokerException($"observer identity '{o}' is not a valid service identity");
        if (ReceiverIdentities.Intersect(ObserverIdentities).FirstOrDefault() is { } both)
            throw new BrokerException($"'{both}' is listed as a receiver and as an observer; an identity has one role");
        if (AutosaveIntervalSeconds < 1) throw new BrokerException("autosave_interval must be ≥ 1: 0 saves only on clean shutdown, so kill -9 would lose everything");
        if (MaxQueuedMessages < 1) throw new BrokerException("max_queued_messages must be ≥ 1 (0 would mean unbounded memory)");
        if (MaxInflightMessages < 1) throw new BrokerException("max_inflight_messages must be ≥ 1");
        if (MaxQueuedBytes < 0 || MaxPacketSize < 0) throw new BrokerException("byte limits must not be negative");
        if (string.IsNullOrWhiteSpace(User) || User.Any(char.IsWhiteSpace)) throw new BrokerException($"user '{User}' is not a user name");
    }

    public string RenderConf()
    {
        Validate(requireFiles: false);
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        string B(bool v) => v ? "true" : "false";
        var lines = new[]
        {
            "# Generated by NodeFirmware.HostCommon.Broker.MosquittoConfig; see docs/broker.md. Do not edit by hand.",
            "per_listener_settings true",
            $"user {User}",
            $"pid_file {PidPath}",
            "",
            "persistence true",
            $"persistence_location {PersistenceDirectory}/",
            $"autosave_interval {I(AutosaveIntervalSeconds)}",
            $"autosave_on_changes {B(AutosaveOnChanges)}",
            $"max_queued_messages {I(MaxQueuedMessages)}",
            $"max_queued_bytes {I(MaxQueuedBytes)}",
            $"max_inflight_messages {I(MaxInflightMessages)}",
            "queue_qos0_messages false",
            $"max_packet_size {I(MaxPacketSize)}",
            "",
            $"log_dest file {LogPath}",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
            "log_timestamp true",
            "log_timestamp_format %Y-%m-%dT%H:%M:%S",
            "",
            $"listener {I(Port)} {BindAddress}",
            "protocol mqtt",
            "allow_anonymous false",
            "allow_zero_length_clientid false",
            $"cafile {CaFile}",
            $"certfile {CertFile}",
            $"keyfile {KeyFile}",
            $"crlfile {CrlFile}",
            $"tls_version {TlsVersion}",
            "require_certificate true",
            "use_identity_as_username true",
            "use_username_as_clientid true",
            $"acl_file {AclPath}",
        };
        return string.Join('\n', lines) + "\n";
    }

    public string RenderAcl() => TopicAcl.Render(ReceiverIdentities, ObserverIdentities);

    /// <summary>Writes mosquitto.conf and acl into the run directory and creates the persistence directory.</summary>
    public void Write()
    {
        Validate();
        var conf = RenderConf();
        Directory.CreateDirectory(RunDirectory);
        Directory.CreateDirectory(PersistenceDirectory);
        SecretFile.WritePublic(AclPath, RenderAcl());
        SecretFile.WritePublic(ConfPath, conf);
    }
}
