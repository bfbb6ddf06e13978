using System.Formats.Cbor;
using System.Runtime.CompilerServices;
using System.Text.Json;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Ota;
using CoreCborException = NodeFirmware.Core.Cbor.CborException;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>The rollback policy as data: its CBOR file, the shipped JSON, and its effect on trials and confirmation.</summary>
public class RollbackPolicyTests : IDisposable
{
    private readonly TestRelease _release = new();
    private readonly TestImage _v1;
    private readonly TestImage _v2;

    public RollbackPolicyTests()
    {
        _v1 = _release.MakeImage("1.0.0+1", new[] { 1200 }, seed: 11);
        _v2 = _release.MakeImage("1.1.0+2", new[] { 1500, 300 }, seed: 12);
    }

    public void Dispose() => _release.Dispose();

    private static RollbackPolicy Policy(int boots, bool sensor, bool broker, bool ack) => new()
    {
        MaxTrialBoots = boots,
        RequireSensorRead = sensor,
        RequireBrokerReached = broker,
        RequireTelemetryAck = ack,
    };

    [Fact]
    public void Defaults_are_the_documented_policy()
    {
        var p = new RollbackPolicy();
        Assert.Equal(BootState.DefaultMaxAttempts, p.MaxTrialBoots);
        Assert.True(p.RequireSensorRead && p.RequireBrokerReached && p.RequireTelemetryAck);
        Assert.Null(p.Problem());
    }

    [Theory]
    [InlineData(1, true, false, false)]
    [InlineData(5, false, true, true)]
    [InlineData(100, true, true, true)]
    public void Encode_decode_round_trips(int boots, bool sensor, bool broker, bool ack)
    {
        var back = RollbackPolicyCodec.Decode(RollbackPolicyCodec.Encode(Policy(boots, sensor, broker, ack)));
        Assert.Equal((boots, sensor, broker, ack), (back.MaxTrialBoots, back.RequireSensorRead, back.RequireBrokerReached, back.RequireTelemetryAck));
    }

    [Theory]
    [InlineData(true, true, true, true, true)]
    [InlineData(true, true, false, true, false)]
    [InlineData(false, false, true, true, true)]
    [InlineData(false, false, false, true, false)]
    public void Healthy_means_every_required_signal_was_seen(bool requireSensor, bool sensor, bool broker, bool ack, bool expected)
    {
        var p = Policy(3, requireSensor, true, true);
        Assert.Equal(expected, p.IsHealthy(sensor, broker, ack));
    }

    private static byte[] Map(params (string Key, object Value)[] pairs)
    {
        var w = new CborWriter();
        w.WriteStartMap(pairs.Length);
        foreach (var (k, v) in pairs)
        {
            w.WriteTextString(k);
            switch (v)
            {
                case bool b: w.WriteBoolean(b); break;
                case int i: w.WriteInt32(i); break;
                case string s: w.WriteTextString(s); break;
                default: throw new ArgumentException(v.GetType().Name);
            }
        }
        w.WriteEndMap();
        return w.Encode();
    }

    private static (string, object)[] Valid() => new (string, object)[]
    {
        ("v", 1), ("maxTrialBoots", 3), ("requireSensorRead", true), ("requireBrokerReached", true), ("requireTelemetryAck", false),
    };

    private static string Refusal(byte[] data) => Assert.Throws<CoreCborException>(() => RollbackPolicyCodec.Decode(data)).Message;

    [Fact]
    public void A_map_written_by_another_cbor_library_decodes()
    {
        var p = RollbackPolicyCodec.Decode(Map(Valid()));
        Assert.False(p.RequireTelemetryAck);
        Assert.Equal(3, p.MaxTrialBoots);
    }

    [Fact]
    public void Bad_files_are_refused_with_the_reason()
    {
        Assert.Contains("empty", Refusal(Array.Empty<byte>()));
        Assert.Contains("unsupported version", Refusal(Map(Valid().Select(kv => kv.Item1 == "v" ? ("v", (object)2) : kv).ToArray())));
        Assert.Contains("maxTrialBoots 0", Refusal(Map(Valid().Select(kv => kv.Item1 == "maxTrialBoots" ? ("maxTrialBoots", (object)0) : kv).ToArray())));
        Assert.Contains("maxTrialBoots 101", Refusal(Map(Valid().Select(kv => kv.Item1 == "maxTrialBoots" ? ("maxTrialBoots", (object)101) : kv).ToArray())));
        Assert.Contains("missing requireTelemetryAck", Refusal(Map(Valid().Where(kv => kv.Item1 != "requireTelemetryAck").ToArray())));
        Assert.Contains("unknown key 'requireSensor'", Refusal(Map(Valid().Append(("requireSensor", (object)true)).ToArray())));
        Assert.Contains("no health criterion", Refusal(Map(("v", 1), ("maxTrialBoots", 3), ("requireSensorRead", false), ("requireBrokerReached", false), ("requireTelemetryAck", false))));
        Assert.Contains("longer than", Refusal(new byte[RollbackPolicyCodec.MaxEncodedLength + 1]));
        var trailing = RollbackPolicyCodec.Encode(new RollbackPolicy()).Append((byte)0).ToArray();
        Assert.Contains("trailing", Refusal(trailing));
        Assert.Throws<CoreCborException>(() => RollbackPolicyCodec.Decode(Map(Valid().Select(kv => kv.Item1 == "requireSensorRead" ? ("requireSensorRead", (object)"yes") : kv).ToArray())));
    }

    [Fact]
    public void The_device_falls_back_to_the_defaults_and_says_why()
    {
        Assert.Equal(3, RollbackPolicyCodec.DecodeOrDefault(null!, out var none).MaxTrialBoots);
        Assert.Null(none);
        var fromFile = RollbackPolicyCodec.DecodeOrDefault(RollbackPolicyCodec.Encode(Policy(5, true, false, true)), out var ok);
        Assert.Null(ok);
        Assert.Equal(5, fromFile.MaxTrialBoots);
        Assert.False(fromFile.RequireBrokerReached);
        var bad = RollbackPolicyCodec.DecodeOrDefault(new byte[] { 0xA1, 0x61 }, out var why);
        Assert.Equal(BootState.DefaultMaxAttempts, bad.MaxTrialBoots);
        Assert.True(bad.RequireTelemetryAck);
        Assert.Contains("using the defaults", why);
    }

    [Fact]
    public void An_invalid_policy_cannot_be_encoded_or_given_to_the_ota_client()
    {
        Assert.Throws<CoreCborException>(() => RollbackPolicyCodec.Encode(Policy(3, false, false, false)));
        var device = new OtaDevice(_release.PublicKey);
        device.Manufacture(_v1);
        device.Boot();
        var settings = Settings(device, Policy(0, true, true, true));
        var e = Assert.Throws<ArgumentException>(() => new OtaClient(settings, device.Slots, device.BootStore, device.CursorFlash, device.Clock));
        Assert.Contains("maxTrialBoots 0", e.Message);
    }

    [Fact]
    public void The_shipped_policy_file_decodes_to_a_usable_policy()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "bootloader-config", "rollback-policy.json")));
        var root = json.RootElement;
        var pairs = new List<(string, object)> { ("v", root.GetProperty("v").GetInt32()) };
        foreach (var name in new[] { "maxTrialBoots", "requireSensorRead", "requireBrokerReached", "requireTelemetryAck" })
        {
            var e = root.GetProperty(name);
            pairs.Add((name, e.ValueKind == JsonValueKind.Number ? e.GetInt32() : e.GetBoolean()));
        }
        var p = RollbackPolicyCodec.Decode(Map(pairs.ToArray()));
        Assert.Null(p.Problem());
        Assert.Equal(root.GetProperty("maxTrialBoots").GetInt32(), p.MaxTrialBoots);
    }

    private static string RepoRoot([CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "NodeFirmware.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    private static OtaClientSettings Settings(OtaDevice device, RollbackPolicy policy) => new()
    {
        DeviceId = OtaDevice.DeviceId,
        Board = device.Board,
        LoaderVersion = device.LoaderVersion,
        RunningVersion = device.RunningVersion,
        ReleasePublicKey = device.ReleaseKey,
        MaxChunkSize = 1024,
        ChunkTimeoutMillis = 2000,
        Rollback = policy,
    };

    /// <summary>Installs v2 as a trial with <paramref name="policy"/>, reboots into it, and returns a client built with the same policy.</summary>
    private OtaClient BootIntoTrial(OtaDevice device, RollbackPolicy policy)
    {
        device.TrialAttempts = policy.MaxTrialBoots;
        device.Manufacture(_v1);
        device.Boot();
        var cloud = new FakeCloud();
        cloud.Offer("c-rb", _v2);
        device.Session(cloud);
        Assert.True(device.Client!.RebootRequested);
        var boot = device.Boot();
        Assert.True(boot.Trial);
        return new OtaClient(Settings(device, policy), device.Slots, device.BootStore, device.CursorFlash, device.Clock);
    }

    [Fact]
    public void Only_the_required_signals_confirm_a_trial()
    {
        var policy = Policy(3, sensor: false, broker: true, ack: false);
        var device = new OtaDevice(_release.PublicKey);
        var client = BootIntoTrial(device, policy);
        Assert.True(client.ConfirmPending);
        client.OnHealthSignal(NodeHealthSignal.SensorRead);
        Assert.True(client.ConfirmPending);
        Assert.Equal(SlotLayout.SlotB, device.BootStore.Load()!.TrialSlot);
        client.OnHealthSignal(NodeHealthSignal.BrokerReached);
        Assert.False(client.ConfirmPending);
        var state = device.BootStore.Load()!;
        Assert.Equal(BootState.NoSlot, state.TrialSlot);
        Assert.Equal(SlotLayout.SlotB, state.ActiveSlot);
    }

    [Fact]
    public void The_default_policy_waits_for_the_telemetry_ack()
    {
        var device = new OtaDevice(_release.PublicKey);
        var client = BootIntoTrial(device, new RollbackPolicy());
        client.OnHealthSignal(NodeHealthSignal.SensorRead);
        client.OnHealthSignal(NodeHealthSignal.BrokerReached);
        Assert.True(client.ConfirmPending);
        client.OnHealthSignal(NodeHealthSignal.TelemetryAcknowledged);
        Assert.False(client.ConfirmPending);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Max_trial_boots_reaches_the_loader_through_the_boot_state(int boots)
    {
        var device = new OtaDevice(_release.PublicKey);
        BootIntoTrial(device, Policy(boots, true, true, true));
        Assert.Equal(boots, device.BootStore.Load()!.MaxAttempts);
        // BootIntoTrial booted the trial once; every further unconfirmed boot spends one more attempt.
        for (int i = 1; i < boots; i++) Assert.True(device.Boot().Trial);
        var after = device.Boot();
        Assert.False(after.Trial);
        Assert.Equal(SlotLayout.SlotA, after.Slot);
        Assert.Equal(SlotVerdict.Invalid, device.BootStore.Load()!.Verdicts[SlotLayout.SlotB]);
    }
}
