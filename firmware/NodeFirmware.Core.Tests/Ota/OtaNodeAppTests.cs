using NodeFirmware.Core.Config;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Tests.Support;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>
/// The OTA client as a NodeApp extension, driven by a host loop as the Device project drives it: every
/// deep-sleep wake goes through the Loader again (as on nanoFramework, where deep sleep restarts from Main).
/// </summary>
public class OtaNodeAppTests : IDisposable
{
    private readonly TestRelease _release = new();

    public void Dispose() => _release.Dispose();

    private sealed class Host
    {
        public readonly OtaDevice Ota;
        public readonly NorFlash DataFlash = new(16 * 4096, 4096);
        public readonly ScriptedSensor Sensor = new();
        public readonly FixedBattery Battery = new();
        public readonly FakeCloud Cloud;
        public readonly Queue<byte[]> PendingChunks = new();
        public NodeApp App = null!;
        public int Wakes;
        public int TelemetryBatches;

        public Host(OtaDevice ota, FakeCloud cloud)
        {
            Ota = ota;
            Cloud = cloud;
        }

        public void Wake(WakeCause cause)
        {
            Wakes++;
            Ota.Boot();
            var platform = new NodePlatform(Ota.Clock, DataFlash, Sensor, Battery, new Random(Wakes));
            var identity = new NodeIdentity(OtaDevice.DeviceId, Ota.RunningVersion, SlotLayout.SlotName(Ota.LastBoot!.Slot), Ota.LastBoot.Trial);
            App = new NodeApp(platform, identity, new DeviceConfig());
            App.AddExtension(Ota.Client!);
            App.Boot(cause);
        }

        public void RunFor(long millis)
        {
            long until = Ota.Clock.UnixTimeMillis + millis;
            if (App == null) Wake(WakeCause.PowerOn);
            while (Ota.Clock.UnixTimeMillis < until)
            {
                var r = App.Next();
                switch (r.Kind)
                {
                    case HostRequestKind.Connect:
                        Ota.Clock.Advance(1500);
                        App.OnConnected();
                        if (r.Subscriptions.Contains("nodes/" + OtaDevice.DeviceId + "/ota/offer") && Cloud.RetainedOffer != null)
                            App.OnMessage("nodes/" + OtaDevice.DeviceId + "/ota/offer", Cloud.RetainedOffer);
                        break;
                    case HostRequestKind.Publish:
                        foreach (var m in r.Messages)
                        {
                            Ota.Clock.Advance(20);
                            if (m.Topic.EndsWith("/ota/req"))
                            {
                                var chunk = Cloud.Answer(m.Payload);
                                if (chunk != null) PendingChunks.Enqueue(chunk);
                            }
                            else if (m.Topic.Contains("/ota/")) Cloud.Record(m.Topic, m.Payload);
                            else if (m.Topic.EndsWith("/telemetry")) TelemetryBatches++;
                            App.OnPublishAcked(m.Token);
                        }
                        break;
                    case HostRequestKind.Listen:
                        Ota.Clock.Advance(Math.Min(r.ListenMilliseconds, 300));
                        while (PendingChunks.Count > 0) App.OnMessage("nodes/" + OtaDevice.DeviceId + "/ota/chunk", PendingChunks.Dequeue());
                        break;
                    case HostRequestKind.Disconnect:
                        PendingChunks.Clear();
                        break;
                    case HostRequestKind.Sleep:
                        Ota.Clock.Advance(r.SleepMilliseconds);
                        if (r.DeepSleep) Wake(WakeCause.DeepSleepTimer);
                        break;
                }
            }
        }
    }

    [Fact]
    public void Through_NodeApp_an_offer_is_installed_rebooted_into_and_confirmed_on_the_first_trial_wake()
    {
        var v1 = _release.MakeImage("1.0.0", new[] { 2000 }, seed: 1);
        var v2 = _release.MakeImage("1.1.0", new[] { 6000, 900 }, seed: 2);
        var device = new OtaDevice(_release.PublicKey);
        device.Manufacture(v1);
        var cloud = new FakeCloud();
        var host = new Host(device, cloud);
        host.RunFor(20 * 60_000); // a first report cycle on 1.0.0
        int batchesBefore = host.TelemetryBatches;
        Assert.True(batchesBefore > 0);

        cloud.Offer("c-app", v2, chunkSize: 1024);
        host.RunFor(40 * 60_000);

        // The retained offer is answered with the same result on every connection until the cloud clears it.
        var result = Assert.Single(cloud.Results.Distinct());
        Assert.Equal(("c-app", true, "1.1.0"), (result.Campaign, result.Ok, result.Fw));
        Assert.Equal("1.1.0", device.RunningVersion);
        var state = device.BootStore.Load()!;
        Assert.Equal(SlotLayout.SlotB, state.ActiveSlot);
        Assert.Equal(BootState.NoSlot, state.TrialSlot);
        Assert.Single(cloud.Progress, p => p.State == OtaClient.StateTrial); // confirmed on the first trial wake
        Assert.True(host.TelemetryBatches > batchesBefore, "telemetry went on after the update");
    }

    [Fact]
    public void Through_NodeApp_a_trial_that_cannot_reach_a_healthy_state_is_reverted()
    {
        var v1 = _release.MakeImage("1.0.0", new[] { 2000 }, seed: 1);
        var v2 = _release.MakeImage("1.1.0", new[] { 3000 }, seed: 2);
        var device = new OtaDevice(_release.PublicKey);
        device.Manufacture(v1);
        var cloud = new FakeCloud();
        var host = new Host(device, cloud);
        cloud.Offer("c-sick", v2, chunkSize: 1024);
        host.Sensor.FailWith = "sensor.absent"; // no sensor read: the new image never confirms
        host.RunFor(60 * 60_000);

        var result = Assert.Single(cloud.Results.Distinct());
        Assert.False(result.Ok);
        Assert.StartsWith(OtaFailure.RolledBack, result.Err);
        Assert.Equal("1.0.0", device.RunningVersion);
        Assert.Equal(SlotVerdict.Invalid, device.BootStore.Load()!.Verdicts[SlotLayout.SlotB]);
    }
}
