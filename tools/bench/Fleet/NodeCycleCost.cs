using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Bench.Ingest;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeFirmware.Core.Link;
using NodeFirmware.HostCommon.Boards;
using NodeSim.Fleet;
using NodeSim.Network;
using NodeSim.Node;

namespace NodeFirmware.Bench.Fleet;

/// <summary>
/// `bench fleet-cycle`: where the bench's CPU goes for one node's report cycle, one phase at a time, so that no other
/// node's work is counted in it: loading a certificate and key, a bare TLS handshake, the MQTT link's connect, publish
/// and disconnect, and whole wakes of a VirtualNode (Core's own work is the wake less its link). Process CPU
/// (user + system) per phase; the broker is another process and is not counted.
/// </summary>
public static class NodeCycleCost
{
    public static int Run(string[] args)
    {
        int cycles = 200;
        if (args.Length == 2 && args[0] == "--cycles" && int.TryParse(args[1], out int c) && c is >= 10 and <= 10_000) cycles = c;
        else if (args.Length != 0)
        {
            Console.Error.WriteLine("usage: bench fleet-cycle [--cycles 10..10000]");
            return 2;
        }
        string dir = Path.Combine(Path.GetTempPath(), "nf-bench-cycle-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            Console.WriteLine(MeasureAsync(dir, cycles).GetAwaiter().GetResult());
            return 0;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        }
    }

    public static async Task<string> MeasureAsync(string dir, int cycles)
    {
        using var cloud = LocalFleetBroker.Start(dir, "cycle cost passphrase", "bench", kdfIterations: 100_000);
        const string id = "esp32-0c0000000001";
        using var identity = cloud.IssueDevice(id);
        var topics = new Topics(id);
        var message = new OutboundMessage(1, topics.Telemetry, new byte[96], false);

        // Loading a certificate and its key from PEM, as a node whose credentials were read from files each cycle would.
        string certPem = identity.ExportCertificatePem(), keyPem = identity.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();
        double load = await PerCycleAsync(cycles, () => { X509Certificate2.CreateFromPem(certPem, keyPem).Dispose(); return Task.CompletedTask; });

        // TCP and a full TLS handshake with the node's certificate, as the link makes them, without MQTT.
        var nodeTls = new NodeTls(cloud.Endpoint, identity);
        double tls = await PerCycleAsync(cycles, async () => await (await nodeTls.ConnectAsync(CancellationToken.None)).DisposeAsync());

        // The link's phases, each measured across all cycles: connect (TCP, TLS, CONNECT, SUBSCRIBE the first time), publish, disconnect.
        var link = new MqttNodeLink(cloud.Endpoint, nodeTls);
        double connect = 0, publish = 0, disconnect = 0;
        for (int i = 0; i < cycles + 5; i++)
        {
            var t0 = Now();
            string? failure = await link.ConnectAsync(id, false, topics.Status, [], [topics.Config, topics.Command, topics.TelemetryAck]);
            if (failure != null) throw new InvalidOperationException("connect failed: " + failure);
            var t1 = Now();
            if (!await link.PublishAsync(message)) throw new InvalidOperationException("publish was not acknowledged");
            var t2 = Now();
            await link.DisconnectAsync();
            var t3 = Now();
            if (i < 5) continue; // warm-up: JIT, first SUBSCRIBE
            connect += t1 - t0;
            publish += t2 - t1;
            disconnect += t3 - t2;
        }
        connect /= cycles; publish /= cycles; disconnect /= cycles;

        double before = await PerCycleAsync(cycles, () => ConnectAsBeforeAsync(cloud.Endpoint, identity, id));

        double wake = await WakesAsync(cloud.Endpoint, identity, id, cycles);
        double core = Math.Max(0, wake - connect - publish - disconnect);
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT fleet_cycle cycles={cycles} cpu_ms_per_cycle={wake:F2} cert_key_load_ms={load:F3} tls_handshake_ms={tls:F2} mqtt_connect_ms={connect:F2} " +
            $"mqtt_publish_ms={publish:F2} mqtt_disconnect_ms={disconnect:F2} core_and_sim_ms={core:F2} " +
            $"connect_disconnect_ms={connect + disconnect:F2} connect_disconnect_before_ms={before:F2} load1={ProcessMemory.Load1()} cores={Environment.ProcessorCount}");
    }

    /// <summary>A VirtualNode's whole wake (sample, connect, publish, disconnect, sleep), as the fleet runs it, CPU ms per wake.</summary>
    private static async Task<double> WakesAsync(BrokerEndpoint broker, X509Certificate2 identity, string id, int cycles)
    {
        var profile = BoardCatalog.Default().Load("firebeetle-esp32").ToPowerProfile();
        var config = EnergyModel.TunedForBoard(new DeviceConfig
        {
            SampleIntervalSeconds = FleetBenchOptions.CycleSeconds, ReportIntervalSeconds = FleetBenchOptions.CycleSeconds, ListenWindowMilliseconds = 0,
        }, profile);
        await using var node = new VirtualNode(new VirtualNodeOptions
        {
            DeviceId = id, Certificate = identity, Broker = broker, PowerProfile = profile, Defaults = config, Seed = 1, StorageBytes = 8 * 4096,
            ListenRealTimeShare = 0,
        }, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 24 * 3600_000L);
        for (int i = 0; i < 5; i++) await node.RunWakeAsync();
        int before = node.MessagesAcked;
        double per = await PerCycleAsync(cycles, async () => await node.RunWakeAsync());
        if (node.MessagesAcked - before < cycles / 2) throw new InvalidOperationException($"only {node.MessagesAcked - before} reports acknowledged in {cycles} wakes");
        return per;
    }

    /// <summary>
    /// Connect and disconnect as the link did before it had TLS of its own (for the before/after figure at the same load):
    /// a new client and options each time, MQTTnet's TLS with the certificate in a collection and the broker's chain
    /// checked in a callback.
    /// </summary>
    private static async Task ConnectAsBeforeAsync(BrokerEndpoint broker, X509Certificate2 identity, string id)
    {
        using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
        var options = new MQTTnet.MqttClientOptionsBuilder().WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).WithClientId(id)
            .WithCleanSession(false).WithFleetBroker(broker, identity).Build();
        await client.ConnectAsync(options);
        await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptionsBuilder().Build());
    }

    private static async Task<double> PerCycleAsync(int cycles, Func<Task> phase)
    {
        for (int i = 0; i < 5; i++) await phase();
        double t0 = Now();
        for (int i = 0; i < cycles; i++) await phase();
        return (Now() - t0) / cycles;
    }

    /// <summary>This process's CPU time (user + system), in ms.</summary>
    private static double Now() => Environment.CpuUsage.TotalTime.TotalMilliseconds;
}
