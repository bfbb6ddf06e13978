using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Tests.Pki;

namespace NodeFirmware.HostCommon.Tests.Broker;

public sealed class MosquittoConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new("nf-conf-");

    public void Dispose() => _dir.Dispose();

    private MosquittoConfig Config(int port = 8883)
    {
        foreach (var f in new[] { "ca.crt", "server.crt", "server.key", "crl.pem" }) File.WriteAllText(_dir.Combine(f), "x");
        return new MosquittoConfig
        {
            RunDirectory = _dir.Combine("run"), Port = port,
            CaFile = _dir.Combine("ca.crt"), CertFile = _dir.Combine("server.crt"), KeyFile = _dir.Combine("server.key"), CrlFile = _dir.Combine("crl.pem"),
        };
    }

    private static Dictionary<string, List<string>> Directives(string conf) =>
        conf.Split('\n').Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split(' ', 2))
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Select(p => p.Length > 1 ? p[1] : "").ToList());

    [Fact]
    public void Conf_has_the_mutual_tls_listener_and_the_persistence_settings()
    {
        var config = Config();
        var d = Directives(config.RenderConf());
        Assert.Equal(["8883 127.0.0.1"], d["listener"]);
        Assert.Equal(["true"], d["per_listener_settings"]);
        Assert.Equal(["true"], d["require_certificate"]);
        Assert.Equal(["true"], d["use_identity_as_username"]);
        Assert.Equal(["true"], d["use_username_as_clientid"]);
        Assert.Equal(["false"], d["allow_anonymous"]);
        Assert.Equal(["tlsv1.2"], d["tls_version"]);
        Assert.Equal([config.CaFile], d["cafile"]);
        Assert.Equal([config.CertFile], d["certfile"]);
        Assert.Equal([config.KeyFile], d["keyfile"]);
        Assert.Equal([config.CrlFile], d["crlfile"]);
        Assert.Equal([config.AclPath], d["acl_file"]);
        Assert.Equal(["true"], d["persistence"]);
        Assert.Equal([config.PersistenceDirectory + "/"], d["persistence_location"]);
        Assert.Equal(["1"], d["autosave_interval"]);
        Assert.Equal(["100000"], d["max_queued_messages"]);
        Assert.Equal(["20"], d["max_inflight_messages"]);
        Assert.Equal(["file " + config.LogPath], d["log_dest"]);
        // The listener's security settings must come after "listener" to apply to it.
        var lines = config.RenderConf().Split('\n').ToList();
        var listener = lines.FindIndex(l => l.StartsWith("listener "));
        Assert.All(new[] { "require_certificate", "use_identity_as_username", "acl_file", "allow_anonymous", "crlfile" },
            key => Assert.True(lines.FindIndex(l => l.StartsWith(key + " ")) > listener, key));
    }

    [Fact]
    public void Every_directive_is_known_to_the_installed_mosquitto()
    {
        // The config parser compares each line's keyword with string literals, so each one is in the binary
        // (possibly as the tail of a longer literal, which the linker may merge it into). Starting the broker
        // is the stronger check: Mosquitto 2.0 refuses unknown directives, and every broker test does that.
        MosquittoInstance.RequireInstalled();
        var binary = System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(MosquittoInstance.DefaultExecutable));
        foreach (var key in Directives(Config().RenderConf()).Keys)
            Assert.True(binary.Contains(key + "\0", StringComparison.Ordinal), $"{key} is not a keyword of {MosquittoInstance.DefaultExecutable}");
        Assert.False(binary.Contains("no_such_directive\0", StringComparison.Ordinal));
    }

    [Fact]
    public void Acl_limits_devices_to_their_own_topics_and_lists_each_receiver()
    {
        var acl = Config().With(receiverIdentities: ["receiver", "receiver-2"]).RenderAcl();
        var lines = acl.Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToList();
        Assert.All(lines.Where(l => l.StartsWith("pattern ")), l => Assert.Contains("nodes/%u/", l));
        Assert.DoesNotContain(lines, l => l.StartsWith("pattern readwrite"));
        Assert.DoesNotContain(lines, l => l.StartsWith("pattern") && l.Contains('#'));
        Assert.Contains("pattern write nodes/%u/telemetry", lines);
        Assert.Contains("pattern read nodes/%u/cmd", lines);
        Assert.Equal(2, lines.Count(l => l == "topic read nodes/+/#"));
        Assert.Contains("user receiver", lines);
        Assert.Contains("user receiver-2", lines);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(70000)]
    public void Port_must_be_chosen_before_rendering(int port)
    {
        var e = Assert.Throws<BrokerException>(() => Config(port).RenderConf());
        Assert.Contains("port", e.Message);
    }

    [Fact]
    public void Bad_paths_and_limits_are_refused_with_the_reason()
    {
        var good = Config();
        Assert.Contains("absolute", Assert.Throws<BrokerException>(() => new MosquittoConfig
        {
            RunDirectory = "relative/run", Port = 1, CaFile = good.CaFile, CertFile = good.CertFile, KeyFile = good.KeyFile, CrlFile = good.CrlFile,
        }.RenderConf()).Message);
        Assert.Contains("whitespace", Assert.Throws<BrokerException>(() => new MosquittoConfig
        {
            RunDirectory = good.RunDirectory, Port = 1, CaFile = "/tmp/with space/ca.crt", CertFile = good.CertFile, KeyFile = good.KeyFile, CrlFile = good.CrlFile,
        }.RenderConf()).Message);
        Assert.Contains("does not exist", Assert.Throws<BrokerException>(() => new MosquittoConfig
        {
            RunDirectory = good.RunDirectory, Port = 1, CaFile = good.CaFile, CertFile = good.CertFile, KeyFile = good.KeyFile, CrlFile = _dir.Combine("nope.pem"),
        }.Write()).Message);
        Assert.Contains("max_queued_messages", Assert.Throws<BrokerException>(() => good.With(maxQueuedMessages: 0).RenderConf()).Message);
        Assert.Contains("autosave_interval", Assert.Throws<BrokerException>(() => good.With(autosaveIntervalSeconds: 0).RenderConf()).Message);
        Assert.Contains("receiver identity", Assert.Throws<BrokerException>(() => good.With(receiverIdentities: ["esp32-000000000001"]).RenderConf()).Message);
    }

    [Fact]
    public void Write_puts_conf_and_acl_in_the_run_directory()
    {
        var config = Config();
        config.Write();
        Assert.Equal(config.RenderConf(), File.ReadAllText(config.ConfPath));
        Assert.Equal(config.RenderAcl(), File.ReadAllText(config.AclPath));
        Assert.True(Directory.Exists(config.PersistenceDirectory));
    }
}
