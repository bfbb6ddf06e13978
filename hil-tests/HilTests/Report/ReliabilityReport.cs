using NodeFirmware.HilTests.Scenarios;
using NodeFirmware.HilTests.Support;
using NodeFirmware.HilTests.Virtual;
using NodeSim.Network;
using NodeSim.Provisioning;
using Xunit.Abstractions;

namespace NodeFirmware.HilTests.Report;

/// <summary>
/// Runs the chaos scenarios on the virtual rig, fuzzes the board's provisioning port and the receiver's telemetry
/// ingest, probes the broker with bad certificates, and prints the figures (and writes them to the report file).
/// </summary>
public sealed class ReliabilityReport(ITestOutputHelper output)
{
    private const int FuzzFrames = 2000, FuzzPayloads = 200;

    [ReliabilityReportFact]
    public async Task Chaos_fuzz_and_probe_figures()
    {
        var tally = new ReliabilityTally();
        var scenarios = new (int Index, Func<VirtualRig, string, Task> Run)[]
        {
            (31, (r, id) => ChaosScenarios.SoakAsync(r, id, tally, TimeSpan.FromHours(24))),
            (32, (r, id) => ChaosScenarios.OutageAsync(r, id, tally)),
            (33, (r, id) => ChaosScenarios.CloudKillsAsync(r, id, tally)),
            (34, (r, id) => ChaosScenarios.SensorUnpluggedAsync(r, id, tally)),
            (35, (r, id) => ChaosScenarios.CertificatesAsync(r, id, tally)),
        };
        var failures = new List<string>();
        foreach (var (index, run) in scenarios)
        {
            var (rig, id) = await ProvisionedVirtualRig.StartAsync(index);
            await using (rig)
            {
                try { await run(rig, id); }
                catch (Exception e) { failures.Add(e.Message); }
                if (index == 35) await FuzzIngestAsync(rig, tally);
            }
        }
        FuzzProvisioningPort(tally);

        var lines = tally.Lines().Append(tally.ResultLine()).ToList();
        foreach (var line in lines) output.WriteLine(line);
        File.WriteAllLines(Environment.GetEnvironmentVariable(ReliabilityReportFactAttribute.Variable)!, lines);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(0, tally.Crashes);
        Assert.Equal(tally.ProbesTried, tally.ProbesRefused);
    }

    /// <summary>Random and truncated frames into Core's provisioning session: it must answer or ignore, never throw.</summary>
    private static void FuzzProvisioningPort(ReliabilityTally tally)
    {
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(99));
        var random = new Random(99);
        for (int i = 0; i < FuzzFrames; i++)
        {
            var frame = new byte[random.Next(1, 600)];
            random.NextBytes(frame);
            if (i % 3 == 0) frame[0] = 0x7E; // looks like a frame start half the time it matters
            tally.Add(t => t.InputsFuzzed++);
            try { node.Receive(frame); }
            catch (Exception) { tally.Add(t => t.Crashes++); }
        }
    }

    /// <summary>Malformed telemetry from a valid device certificate: the receiver must quarantine it and keep running.</summary>
    private static async Task FuzzIngestAsync(VirtualRig rig, ReliabilityTally tally)
    {
        const string id = "esp32-0000000a0001";
        using var cert = rig.Cloud.IssueProbeCertificate(id, Rig.ProbeCertificate.Valid);
        await using var link = new MqttNodeLink(new BrokerEndpoint(rig.Cloud.BrokerHost, rig.Cloud.BrokerPort, rig.Cloud.FleetCa), cert);
        if (await link.ConnectAsync(id, true, $"nodes/{id}/status", [0x67], [$"nodes/{id}/config"]) is { } failure)
            throw new InvalidOperationException("fuzzing client could not connect: " + failure);
        var random = new Random(7);
        for (int i = 0; i < FuzzPayloads; i++)
        {
            var payload = new byte[random.Next(0, 300)];
            random.NextBytes(payload);
            if (payload.Length > 0 && i % 2 == 0) payload[0] = 0xA5; // a CBOR map head, so decoding goes deeper
            await link.PublishAsync(new NodeFirmware.Core.Link.OutboundMessage(i, $"nodes/{id}/telemetry", payload, false));
            tally.Add(t => t.InputsFuzzed++);
        }
        var counts = await Eventually.ReadAsync(() => rig.Store.CountsAsync(), c => c.QuarantinedByReason.Values.Sum() >= FuzzPayloads, TimeSpan.FromSeconds(20));
        long stored = await rig.Store.CountReadingsAsync(id);
        // Every payload either quarantined or (if it happened to be valid) stored; anything else means the ingest lost or choked on one.
        if (counts.QuarantinedByReason.Values.Sum() + stored < FuzzPayloads) tally.Add(t => t.Crashes++);
    }
}
