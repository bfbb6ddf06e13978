using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Broker;

/// <summary>
/// The configuration of a NATS cluster (nats-server 2.9, Debian 12) used as a clustered MQTT broker: every node has
/// an MQTT listener with mutual TLS against the fleet CA, JetStream keeps MQTT sessions and QoS 1 messages in
/// streams replicated to <see cref="Replicas"/> nodes, and every certificate maps to a user (verify_and_map: the
/// subject "CN=&lt;id&gt;") with the permissions of <see cref="TopicAcl"/>. NATS 2.9 has no per-user pattern like
/// Mosquitto's %u, so each device issued by the PKI store gets its own user entry: issue a device, then regenerate
/// and reload (SIGHUP). nats-server 2.9 reads no CRL, so the MQTT listener pins the public key of each identity's
/// current, unrevoked certificate (<see cref="PinnedKeys"/>): a replaced or revoked certificate with the same name is
/// refused at the handshake. docs/scaling.md has the why of each value and the limits.
/// </summary>
public sealed class NatsClusterConfig
{
    public const string NodeConfFormat = "node{0}.conf";
    /// <summary>NATS delivers a QoS 1 subscription through a JetStream consumer on this internal subject, which the subscriber must be allowed to read.</summary>
    public const string MqttDeliverySubjects = "$MQTT.sub.>";
    public const int MaxDevices = 100_000;
    public const string MqttPortsFileName = "mqtt-ports";

    public required string RunDirectory { get; init; }
    public required string CaFile { get; init; }
    public required string CertFile { get; init; }
    public required string KeyFile { get; init; }
    public required IReadOnlyList<NatsNodePorts> Nodes { get; init; }
    public IReadOnlyList<string> DeviceIds { get; init; } = [];
    public IReadOnlyList<string> ReceiverIdentities { get; init; } = [ServiceIdentity.Receiver];
    public IReadOnlyList<string> ObserverIdentities { get; init; } = [];
    /// <summary>
    /// The MQTT listener's pinned_certs: lowercase hex SHA-256 of each admitted certificate's SubjectPublicKeyInfo.
    /// Empty pins nothing (any certificate of the CA with a configured name gets in); <see cref="ForStore"/> always fills it.
    /// </summary>
    public IReadOnlyList<string> PinnedKeys { get; init; } = [];
    /// <summary>The routes' shared secret (hex); written only into the 0600 node configurations.</summary>
    public string RouteSecret { get; init; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
    public int Replicas => Math.Min(3, Nodes.Count);

    private string Tls => $"cert_file: \"{CertFile}\", key_file: \"{KeyFile}\", ca_file: \"{CaFile}\", verify_and_map: true, timeout: 5";

    private string Pins => PinnedKeys.Count == 0 ? "" : ", pinned_certs: [" + string.Join(", ", PinnedKeys.Select(p => $"\"{p}\"")) + "]";

    public string NodeDirectory(int node) => Path.Combine(RunDirectory, $"node{node}");
    public string NodeConfPath(int node) => Path.Combine(RunDirectory, string.Format(CultureInfo.InvariantCulture, NodeConfFormat, node));

    /// <summary>
    /// A cluster on loopback with free ports, for every device and service identity in the PKI store whose current
    /// certificate is not revoked; each such certificate's key is pinned.
    /// </summary>
    public static NatsClusterConfig ForStore(PkiStore store, string runDirectory, int nodes = 3)
    {
        var revoked = store.LoadRevoked().Select(r => r.SerialHex).ToHashSet(StringComparer.Ordinal);
        var pins = new List<string>();
        bool Admit(string certificatePath)
        {
            if (!File.Exists(certificatePath)) return false;
            using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
            if (revoked.Contains(cert.SerialNumber)) return false;
            pins.Add(KeyPin(cert));
            return true;
        }
        var devicesDir = Path.Combine(store.Root, "devices");
        var devices = Directory.Exists(devicesDir)
            ? Directory.GetDirectories(devicesDir).Select(Path.GetFileName).OfType<string>()
                .Where(DeviceIdentity.IsValid).Order(StringComparer.Ordinal).Where(id => Admit(store.DeviceCertificatePath(id))).ToList()
            : [];
        var services = store.ListServices().Where(s => Admit(store.ServiceCertificatePath(s.Name))).ToList();
        return new NatsClusterConfig
        {
            RunDirectory = Path.GetFullPath(runDirectory),
            CaFile = store.CaCertificatePath,
            CertFile = store.BrokerCertificatePath,
            KeyFile = store.BrokerKeyPath,
            Nodes = Enumerable.Range(0, nodes).Select(_ => new NatsNodePorts(FreePort.OnLoopback(), FreePort.OnLoopback(), FreePort.OnLoopback())).ToList(),
            DeviceIds = devices,
            ReceiverIdentities = services.Where(s => s.Role == ServiceRole.Receiver).Select(s => s.Name).ToList(),
            ObserverIdentities = services.Where(s => s.Role == ServiceRole.Observer).Select(s => s.Name).ToList(),
            PinnedKeys = pins,
        };
    }

    /// <summary>nats-server's pin of a certificate: the SHA-256 of its DER SubjectPublicKeyInfo in lowercase hex.</summary>
    public static string KeyPin(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    public void Validate()
    {
        if (Nodes.Count is < 1 or > 9) throw new BrokerException($"a cluster of {Nodes.Count} nodes: use 1..9 (3 survives one node's death)");
        foreach (var (name, path) in new[] { ("run directory", RunDirectory), ("ca_file", CaFile), ("cert_file", CertFile), ("key_file", KeyFile) })
            if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path) || path.Contains('"') || path.Contains('\n'))
                throw new BrokerException($"{name} must be an absolute path without quotes, got '{path}'");
        if (RouteSecret.Length < 32 || !RouteSecret.All(char.IsAsciiHexDigit)) throw new BrokerException("the route secret must be at least 32 hex digits");
        if (DeviceIds.Count > MaxDevices) throw new BrokerException($"{DeviceIds.Count} devices: at most {MaxDevices} user entries in one configuration");
        foreach (var id in DeviceIds)
            if (!DeviceIdentity.IsValid(id)) throw new BrokerException($"'{id}' is not a device id");
        if (ReceiverIdentities.Count == 0) throw new BrokerException("at least one receiver identity is needed");
        foreach (var s in ReceiverIdentities.Concat(ObserverIdentities))
            if (!ServiceIdentity.IsValid(s)) throw new BrokerException($"'{s}' is not a service identity");
        foreach (var pin in PinnedKeys)
            if (pin.Length != 64 || !pin.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
                throw new BrokerException($"'{pin}' is not a key pin (64 lowercase hex digits of a SHA-256)");
        if (ReceiverIdentities.Intersect(ObserverIdentities).FirstOrDefault() is { } both)
            throw new BrokerException($"'{both}' is listed as a receiver and as an observer; an identity has one role");
    }

    /// <summary>nodeN.conf for one node; every node lists every node's route (its own is ignored by nats-server).</summary>
    public string RenderNode(int node)
    {
        Validate();
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        var p = Nodes[node];
        var s = new StringBuilder();
        s.Append("# Generated by NodeFirmware.HostCommon.Broker.NatsClusterConfig; see docs/scaling.md. Do not edit by hand.\n");
        s.Append($"server_name: node{I(node)}\n");
        // The core NATS port serves no device, but without TLS it would accept the mapped user names with no
        // password: it gets the same certificate mapping as the MQTT listener.
        s.Append($"listen: 127.0.0.1:{I(p.Client)}\n");
        s.Append($"tls {{ {Tls} }}\n");
        s.Append($"jetstream {{ store_dir: \"{NodeDirectory(node)}\" }}\n");
        s.Append("cluster {\n  name: nodefirmware\n");
        // Routes authenticate with the cluster's own secret: without it any local process could join as a node.
        s.Append($"  authorization {{ user: route, password: \"{RouteSecret}\" }}\n");
        s.Append($"  listen: 127.0.0.1:{I(p.Route)}\n");
        s.Append("  routes: [ " + string.Join(", ", Nodes.Select(n => $"nats-route://route:{RouteSecret}@127.0.0.1:{I(n.Route)}")) + " ]\n}\n");
        s.Append("mqtt {\n");
        s.Append($"  listen: 127.0.0.1:{I(p.Mqtt)}\n");
        s.Append($"  tls {{ {Tls}{Pins} }}\n");
        s.Append($"  stream_replicas: {I(Replicas)}\n");
        // How long a QoS 1 message waits for the subscriber's PUBACK before NATS sends it again.
        s.Append("  ack_wait: \"30s\"\n");
        s.Append("  max_ack_pending: 1000\n");
        s.Append("}\n");
        s.Append("authorization {\n  users = [\n");
        foreach (var id in DeviceIds)
            AppendUser(s, id, TopicAcl.DevicePatterns.Select(t => (t.Access, t.Topic.Replace("%u", id, StringComparison.Ordinal))));
        foreach (var r in ReceiverIdentities) AppendUser(s, r, TopicAcl.ReceiverTopics);
        foreach (var o in ObserverIdentities) AppendUser(s, o, TopicAcl.ObserverTopics);
        s.Append("  ]\n}\n");
        return s.ToString();
    }

    private static void AppendUser(StringBuilder s, string commonName, IEnumerable<(string Access, string Topic)> topics)
    {
        var list = topics.ToList();
        string Subjects(string access) => string.Join(", ", list.Where(t => t.Access == access).Select(t => $"\"{ToSubject(t.Topic)}\""));
        s.Append($"    {{ user: \"CN={commonName}\", permissions: {{ publish: {{ allow: [{Subjects("write")}] }}, ");
        // MQTT only: the core NATS port has no key pins, so a replaced certificate must not get in there either.
        s.Append($"subscribe: {{ allow: [{Subjects("read")}, \"{MqttDeliverySubjects}\"] }} }}, allowed_connection_types: [\"MQTT\"] }}\n");
    }

    /// <summary>An MQTT topic filter as a NATS subject: / → ., + → *, # → &gt;.</summary>
    public static string ToSubject(string topic) =>
        string.Join('.', topic.Split('/').Select(level => level switch { "+" => "*", "#" => ">", _ => level }));

    /// <summary>Writes every node's configuration and creates the JetStream directories.</summary>
    public void Write()
    {
        Directory.CreateDirectory(RunDirectory);
        // For scripts and readers: node i's MQTT port on line i+1.
        File.WriteAllText(Path.Combine(RunDirectory, MqttPortsFileName), string.Concat(Nodes.Select(n => n.Mqtt.ToString(CultureInfo.InvariantCulture) + "\n")));
        for (int i = 0; i < Nodes.Count; i++)
        {
            Directory.CreateDirectory(NodeDirectory(i));
            SecretFile.WriteSecret(NodeConfPath(i), RenderNode(i));
        }
    }
}

/// <summary>One node's loopback ports: core NATS clients, cluster routes, MQTT with TLS.</summary>
public sealed record NatsNodePorts(int Client, int Route, int Mqtt);
