namespace NodeFirmware.Receiver.Hosting;

/// <summary>
/// <c>Receiver serve [options]</c>: maps each option to its configuration key, so the same settings can come from
/// appsettings.json or Receiver__... environment variables instead.
/// </summary>
public static class ReceiverCommandLine
{
    public static readonly IReadOnlyDictionary<string, (string Key, string Help)> Options = new Dictionary<string, (string, string)>
    {
        ["--store"] = ("Receiver:Store", "sqlite:<path> | postgres:<connection string> (default sqlite:receiver.db)"),
        ["--sqlite-synchronous"] = ("Receiver:SqliteSynchronous", "FULL (default) | NORMAL"),
        ["--http"] = ("Receiver:Http", "address of the API and page, e.g. 127.0.0.1:8080 (port 0 = any free port)"),
        ["--broker"] = ("Receiver:Broker:Address", "host:port of the broker's TLS listener (omit: no ingest)"),
        ["--ca"] = ("Receiver:Broker:CaFile", "fleet CA certificate (PEM)"),
        ["--cert"] = ("Receiver:Broker:CertFile", "the receiver's client certificate (PEM)"),
        ["--key"] = ("Receiver:Broker:KeyFile", "the receiver's private key (PEM)"),
        ["--client-id"] = ("Receiver:Broker:ClientId", "MQTT client id, fixed per receiver instance (default receiver-1)"),
        ["--mqtt-version"] = ("Receiver:Broker:MqttVersion", "5 (default) | 3.1.1 (for the NATS cluster, docs/scaling.md)"),
        ["--share-group"] = ("Receiver:Broker:ShareGroup", "shared-subscription group; default none (plain subscription, see docs/receiver.md)"),
        ["--report-period"] = ("Receiver:ReportPeriodSeconds", "devices' report period in seconds, for the connectivity SLI (default 300)"),
        ["--pki"] = ("Receiver:PkiDirectory", "PKI store directory, to update the CRL on revocation"),
        ["--ca-passphrase-file"] = ("Receiver:CaPassphraseFile", "file with the CA key passphrase (or NODEFIRMWARE_CA_PASSPHRASE)"),
        ["--broker-pid-file"] = ("Receiver:BrokerPidFile", "pid file of the broker to SIGHUP after a revocation"),
        ["--firmware-repo"] = ("Receiver:FirmwareRepository", "firmware repository folder (nodectl firmware publish --repo) for OTA campaigns"),
        ["--admin-token-file"] = ("Receiver:AdminTokenFile", "where the first admin token is written (0600) if none is active; default <sqlite file>.admin-token"),
        ["--allowed-hosts"] = ("Receiver:AllowedHosts", "extra host names the HTTP side answers to, comma-separated (default: the --http host, and loopback names)"),
        ["--release-pub"] = ("Receiver:ReleasePublicKey", "release public key (release.pub, nodectl firmware keygen); required for OTA campaigns: every package and downgrade authorization must verify against it"),
    };

    public static string Usage =>
        "usage: Receiver serve [options]\n       Receiver token create|list|revoke ... (Receiver token for help)\n" + string.Join("\n", Options.Select(o => $"  {o.Key,-22} {o.Value.Help}"));

    /// <summary>Parses the options after "serve" into configuration pairs; throws ArgumentException naming a bad option.</summary>
    public static Dictionary<string, string?> Parse(IReadOnlyList<string> args)
    {
        var settings = new Dictionary<string, string?>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? value = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--") && eq > 0)
            {
                value = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            if (!Options.TryGetValue(arg, out var option)) throw new ArgumentException($"unknown option '{arg}'");
            if (value is null)
            {
                if (i + 1 >= args.Count) throw new ArgumentException($"option '{arg}' needs a value");
                value = args[++i];
            }
            if (arg == "--http" && !value.Contains("://")) value = "http://" + value;
            settings[option.Key] = value;
        }
        return settings;
    }
}
