using NodeFirmware.Core.Cbor;
using NodeFirmware.HilTests.Rig;
using NodeFirmware.HilTests.Support;
using NodeFirmware.HilTests.Virtual;
using NodeSim.Network;

namespace NodeFirmware.HilTests.Scenarios;

/// <summary>
/// The scenarios that need a rig able to run time fast and break things (the virtual rig). Each asserts on the
/// receiver's store and adds its figures to a <see cref="ReliabilityTally"/>.
/// </summary>
public static class ChaosScenarios
{
    /// <summary>Waits for the store to hold everything the node's journal released, then audits it.</summary>
    public static async Task<ReadingAudit> AuditAsync(VirtualRig rig, string id, ReliabilityTally tally, string scenario)
    {
        var node = rig.Board.Node!;
        var j = node.Journal;
        var readings = await Eventually.ReadAsync(() => rig.Store.ReadingsAsync(id),
            r => ReadingAudit.Of(r, j.Epoch, j.Sampled, j.Pending).Missing == 0, TimeSpan.FromSeconds(30));
        var audit = ReadingAudit.Of(readings, j.Epoch, j.Sampled, j.Pending);
        var counts = await rig.Store.CountsAsync();
        tally.Add(t =>
        {
            t.ReadingsGenerated += audit.Generated;
            t.ReadingsStored += audit.Stored;
            t.ReadingsDuplicated += counts.DuplicatesIgnored;
            t.ReadingsMissing += audit.Missing;
        });
        Assert.True(audit.Missing == 0, $"{scenario}: {audit.Missing} readings never reached the store: {string.Join(", ", audit.Gaps)}; " +
            $"journal epoch {j.Epoch} sampled {j.Sampled} released {j.ReleasedThrough} pending {j.Pending}; quarantined {string.Join(",", counts.QuarantinedByReason.Select(q => q.Key + "=" + q.Value))}");
        Assert.Equal(0u, j.Dropped);
        return audit;
    }

    public static async Task SoakAsync(VirtualRig rig, string id, ReliabilityTally tally, TimeSpan length)
    {
        await rig.RunForAsync(length);
        var audit = await AuditAsync(rig, id, tally, "soak");
        // One sample a minute, as provisioned: the day's readings are all there.
        Assert.True(audit.Stored >= (long)length.TotalMinutes - 10, $"soak stored {audit.Stored} readings in {length}");
        var readings = await rig.Store.ReadingsAsync(id);
        Assert.All(readings, r => Assert.Null(r.Fault));
    }

    public static async Task OutageAsync(VirtualRig rig, string id, ReliabilityTally tally)
    {
        await rig.RunForAsync(TimeSpan.FromMinutes(30));
        // What the broker acknowledged before the cut may still be on its way into the store: wait for all of it.
        var journal = rig.Board.Node!.Journal;
        long acknowledged = journal.Sampled - journal.Pending;
        long before = await Eventually.ReadAsync(() => rig.Store.CountReadingsAsync(id), n => n >= acknowledged);
        await rig.CutNetworkAsync(TimeSpan.FromHours(3));
        tally.Add(t => t.FaultsInjected++);
        await rig.RunForAsync(TimeSpan.FromHours(2.5));
        Assert.Equal(before, await rig.Store.CountReadingsAsync(id)); // nothing got through the outage
        Assert.True(rig.Board.Node!.ConnectFailures > 0, "the node never noticed the outage");
        await rig.RunForAsync(TimeSpan.FromHours(2));
        await AuditAsync(rig, id, tally, "outage");
        tally.Add(t => t.FaultsSurvived++);
    }

    public static async Task CloudKillsAsync(VirtualRig rig, string id, ReliabilityTally tally)
    {
        await rig.RunForAsync(TimeSpan.FromMinutes(30));
        rig.Cloud.KillReceiver();
        await rig.RunForAsync(TimeSpan.FromHours(1)); // the broker queues for the receiver's persistent session
        await Task.Delay(TimeSpan.FromSeconds(2));      // past Mosquitto's 1 s autosave, so a SIGKILL keeps the queue
        rig.Cloud.KillBroker();
        await rig.RunForAsync(TimeSpan.FromHours(1));  // the node cannot connect and keeps its journal
        rig.Cloud.StartBroker();
        await rig.Cloud.StartReceiverAsync();
        await rig.RunForAsync(TimeSpan.FromHours(2));
        tally.Add(t => t.FaultsInjected += 2);
        await AuditAsync(rig, id, tally, "receiver and broker killed");
        tally.Add(t => t.FaultsSurvived += 2);
    }

    public static async Task SensorUnpluggedAsync(VirtualRig rig, string id, ReliabilityTally tally)
    {
        await rig.RunForAsync(TimeSpan.FromMinutes(20));
        long unpluggedAt = rig.NowUnixMillis / 1000;
        await rig.SetSensorConnectedAsync(false);
        tally.Add(t => t.FaultsInjected++);
        await rig.RunForAsync(TimeSpan.FromMinutes(30));
        long pluggedAt = rig.NowUnixMillis / 1000;
        await rig.SetSensorConnectedAsync(true);
        await rig.RunForAsync(TimeSpan.FromMinutes(40));
        await AuditAsync(rig, id, tally, "sensor unplugged");
        var readings = await rig.Store.ReadingsAsync(id);
        var during = readings.Where(r => r.DeviceTime > unpluggedAt + 60 && r.DeviceTime < pluggedAt).ToList();
        var after = readings.Where(r => r.DeviceTime > pluggedAt + 120).ToList();
        Assert.NotEmpty(during);
        Assert.All(during, r => Assert.False(string.IsNullOrEmpty(r.Fault), $"reading {r.Key} while the sensor was unplugged has no fault"));
        Assert.NotEmpty(after);
        Assert.All(after, r => { Assert.Null(r.Fault); Assert.NotEmpty(r.Values); });
        tally.Add(t => t.FaultsSurvived++);
    }

    public static async Task BatteryLowAsync(VirtualRig rig, string id, ReliabilityTally tally)
    {
        await rig.RunForAsync(TimeSpan.FromMinutes(30));
        long lowFrom = rig.NowUnixMillis / 1000;
        await rig.SetBatteryChargeAsync(0.12); // ≈ 3.47 V: below bat_low_mv 3500, above critical 3300
        await rig.RunForAsync(TimeSpan.FromHours(4));
        await AuditAsync(rig, id, tally, "battery low");
        var readings = await rig.Store.ReadingsAsync(id);
        var normal = ReadingAudit.Intervals(readings, 0, lowFrom);
        var low = ReadingAudit.Intervals(readings, lowFrom + 1800);
        Assert.NotEmpty(normal);
        Assert.NotEmpty(low);
        Assert.Equal(60, Median(normal));
        Assert.Equal(240, Median(low)); // sample_s 60 × low_factor 4
        var device = await rig.Store.DeviceAsync(id);
        Assert.NotNull(device?.BatteryMillivolts);
        Assert.InRange(device!.BatteryMillivolts!.Value, 3300, 3499);
    }

    public static async Task ConfigChangeAsync(VirtualRig rig, string id, ReliabilityTally tally)
    {
        await rig.RunForAsync(TimeSpan.FromMinutes(30));
        var w = new CborWriter();
        w.WriteStartMap(3);
        w.WriteText("rev"); w.WriteUInt64(7);
        w.WriteText("sample_s"); w.WriteUInt64(120);
        w.WriteText("report_s"); w.WriteUInt64(600);
        long changedAt = rig.NowUnixMillis / 1000;
        await rig.PublishConfigAsync(w.ToArray());
        await rig.RunForAsync(TimeSpan.FromHours(3));
        await AuditAsync(rig, id, tally, "config change");
        Assert.Equal(7u, rig.Board.Node!.App?.Config.Revision ?? 7u);
        var readings = await rig.Store.ReadingsAsync(id);
        Assert.Equal(60, Median(ReadingAudit.Intervals(readings, 0, changedAt)));
        // Applied at the next connection (≤ one report interval later).
        Assert.Equal(120, Median(ReadingAudit.Intervals(readings, changedAt + 600)));
    }

    /// <summary>Connects with an expired, a foreign-CA and (after revocation) the device's own revoked certificate; all must be refused and store nothing.</summary>
    public static async Task CertificatesAsync(VirtualRig rig, string id, ReliabilityTally tally)
    {
        var endpoint = new BrokerEndpoint(rig.Cloud.BrokerHost, rig.Cloud.BrokerPort, rig.Cloud.FleetCa);
        foreach (var kind in new[] { ProbeCertificate.Expired, ProbeCertificate.Foreign })
        {
            string probeId = kind == ProbeCertificate.Expired ? "esp32-0000000e0001" : "esp32-0000000f0001";
            using var cert = rig.Cloud.IssueProbeCertificate(probeId, kind);
            string? failure = await ProbeAsync(endpoint, cert, probeId);
            tally.Add(t => { t.ProbesTried++; if (failure is not null) t.ProbesRefused++; });
            Assert.True(failure is not null, $"the broker accepted a {kind} certificate");
            Assert.Equal(0, await rig.Store.CountReadingsAsync(probeId));
        }

        await rig.RunForAsync(TimeSpan.FromMinutes(30));
        await Eventually.ReadAsync(() => rig.Store.CountReadingsAsync(id), n => n > 0);
        // A batch the broker took before the revocation may still be committed after it; what must never be stored is a
        // reading sampled once the device was revoked (its next connection is refused).
        long revokedAt = rig.NowUnixMillis / 1000;
        rig.Cloud.RevokeDevice(id);
        int failuresBefore = rig.Board.Node!.ConnectFailures;
        await rig.RunForAsync(TimeSpan.FromHours(1));
        await Task.Delay(500);
        long afterRevocation = (await rig.Store.ReadingsAsync(id)).Count(r => r.DeviceTime > revokedAt);
        bool refused = afterRevocation == 0 && rig.Board.Node.ConnectFailures > failuresBefore;
        tally.Add(t => { t.ProbesTried++; if (refused) t.ProbesRefused++; });
        Assert.True(afterRevocation == 0, $"a revoked device got {afterRevocation} readings sampled after its revocation into the store");
        Assert.True(rig.Board.Node.ConnectFailures > failuresBefore, "the revoked device was never refused");
    }

    private static async Task<string?> ProbeAsync(BrokerEndpoint endpoint, System.Security.Cryptography.X509Certificates.X509Certificate2 cert, string id)
    {
        await using var link = new MqttNodeLink(endpoint, cert);
        string? failure = await link.ConnectAsync(id, true, $"nodes/{id}/status", [0x67], [$"nodes/{id}/config"]);
        if (failure is null)
        {
            await link.PublishAsync(new NodeFirmware.Core.Link.OutboundMessage(1, $"nodes/{id}/telemetry", [0xA0], false));
        }
        return failure;
    }

    private static long Median(List<long> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}
