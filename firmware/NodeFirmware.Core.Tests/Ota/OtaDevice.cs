using System.Collections;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Storage;
using NodeFirmware.Core.Tests.Support;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>
/// A device for OTA tests: boot-state and cursor flash plus slot storage on one <see cref="PowerRail"/>, a
/// Loader (<see cref="SlotSelector"/>) run at every boot, and the application's <see cref="OtaClient"/>
/// talking to a <see cref="FakeCloud"/> through a simulated MQTT session.
/// </summary>
public sealed class OtaDevice
{
    public const string DeviceId = "esp32-0011223344ff";
    private const int SectorSize = 4096;

    public readonly PowerRail Rail = new();
    public readonly NorFlash Flash;
    public readonly MemorySlotStorage Memory = new(256 * 1024);
    public readonly RailSlotStorage Slots;
    public readonly ManualClock Clock = new();
    private readonly RailFlash _railFlash;

    public OtaDevice(byte[] releaseKey, int seed = 1)
    {
        ReleaseKey = releaseKey;
        Flash = new NorFlash(4 * SectorSize, SectorSize, seed);
        _railFlash = new RailFlash(Flash, Rail);
        Slots = new RailSlotStorage(Memory, Rail, seed);
    }

    public byte[] ReleaseKey { get; }
    public string Board { get; set; } = TestRelease.Board;
    public int LoaderVersion { get; set; } = 1;
    public int TrialAttempts { get; set; } = 3;
    public OtaClient? Client { get; private set; }
    public SlotDecision? LastBoot { get; private set; }
    public int Boots { get; private set; }

    public BootStateStore BootStore => new(new FlashWindow(_railFlash, 0, 2), 0);
    public FlashWindow CursorFlash => new(_railFlash, 2, 2);

    public SlotSelector Loader() =>
        new(BootStore, new SlotVerifier(Slots, new ManifestVerifier(ReleaseKey, Board, LoaderVersion)));

    /// <summary>The factory: <paramref name="image"/> in slot A, boot state saying so.</summary>
    public void Manufacture(TestImage image)
    {
        image.WriteTo(Memory, SlotLayout.SlotA);
        BootStore.Save(BootState.Factory(SlotLayout.SlotA, image.Version, ManifestCodec.Decode(image.Manifest).SecurityVersion));
    }

    /// <summary>Power on: the Loader picks and verifies a slot; the loaded image starts its OTA client.</summary>
    public SlotDecision Boot()
    {
        Boots++;
        Clock.BootMillis = Clock.UnixTimeMillis;
        LastBoot = Loader().Select();
        Client = null;
        if (LastBoot.Slot == BootState.NoSlot) throw new InvalidOperationException("device unbootable: " + LastBoot.Log);
        var settings = new OtaClientSettings
        {
            DeviceId = DeviceId,
            Board = Board,
            LoaderVersion = LoaderVersion,
            RunningVersion = LastBoot.Manifest.Version.ToString(),
            ReleasePublicKey = ReleaseKey,
            MaxChunkSize = 1024,
            ChunkTimeoutMillis = 2000,
            TrialAttempts = TrialAttempts,
        };
        Client = new OtaClient(settings, Slots, BootStore, CursorFlash, Clock);
        return LastBoot;
    }

    public string RunningVersion => LastBoot!.Manifest.Version.ToString();

    /// <summary>
    /// One connection: the broker is reached, the retained offer delivered, then rounds of publish → cloud
    /// → chunks until the client has nothing more to do, wants a reboot, or <paramref name="maxRounds"/> pass.
    /// </summary>
    public void Session(FakeCloud cloud, int maxRounds = 10_000, bool healthy = true, Random? shuffle = null)
    {
        var client = Client!;
        client.OnHealthSignal(NodeHealthSignal.BrokerReached);
        if (healthy) client.OnHealthSignal(NodeHealthSignal.SensorRead);
        if (cloud.RetainedOffer != null) client.OnMessage("nodes/" + DeviceId + "/ota/offer", cloud.RetainedOffer);
        Rail.ThrowIfDead(); // a cut stops the device: nothing it queued after it is ever sent
        for (int round = 0; round < maxRounds; round++)
        {
            var outbox = new ArrayList();
            client.TakeOutbound(outbox);
            Rail.ThrowIfDead();
            var chunks = new List<byte[]>();
            foreach (PendingPublish p in outbox)
            {
                if (p.Topic.EndsWith("/ota/req"))
                {
                    var chunk = cloud.Answer(p.Payload);
                    if (chunk != null) chunks.Add(chunk);
                }
                else cloud.Record(p.Topic, p.Payload);
            }
            if (healthy && client.ConfirmPending) client.OnHealthSignal(NodeHealthSignal.TelemetryAcknowledged);
            Rail.ThrowIfDead();
            if (shuffle != null) chunks = chunks.OrderBy(_ => shuffle.Next()).ToList();
            foreach (var c in chunks)
            {
                client.OnMessage("nodes/" + DeviceId + "/ota/chunk", c);
                Rail.ThrowIfDead();
            }
            Clock.Advance(250);
            if (client.RebootRequested) break;
            if (!client.Downloading && chunks.Count == 0 && outbox.Count == 0 && round > 0) break;
        }
        var rest = new ArrayList();
        client.TakeOutbound(rest);
        Rail.ThrowIfDead();
        foreach (PendingPublish p in rest) if (!p.Topic.EndsWith("/ota/req")) cloud.Record(p.Topic, p.Payload);
    }
}
