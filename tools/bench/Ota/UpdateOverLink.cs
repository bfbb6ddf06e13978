using System.Collections;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Storage;
using NodeFirmware.Nodectl.Firmware;
using NodeFirmware.Receiver.Ota;
using NodeSim.Hardware;
using NodeSim.Ota;
using NSec.Cryptography;

namespace NodeFirmware.Bench.Ota;

/// <summary>
/// One update over a modelled link: Core's real <see cref="OtaClient"/> (default settings: 2 KiB chunks, 4 in
/// flight, 15 s re-ask) downloads a signed package from the receiver's real campaign chunk server, every message
/// timed by <see cref="LinkModel"/> on a virtual clock, until the client has verified the slot and asks to reboot.
/// </summary>
public static class UpdateOverLink
{
    public sealed record Outcome(double Seconds, long BytesOnLink, int Requests, int ChunksLost);

    public sealed class Packages : IDisposable
    {
        private readonly Key _key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        private readonly string _dir = Directory.CreateTempSubdirectory("ota-bench-").FullName;

        public const string Board = "firebeetle-esp32";

        public byte[] PublicKey => _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

        public byte[] Make(string version, int appBytes)
        {
            var app = new byte[appBytes];
            new Random(appBytes ^ version.GetHashCode()).NextBytes(app);
            string path = Path.Combine(_dir, $"NodeFirmware.Device-{version}.pe");
            File.WriteAllBytes(path, app);
            return PackageSigner.Sign(_key, PublicKey, new PackageSigner.Request(version, [Board], [path], 1, 1_764_000_000));
        }

        public void Dispose()
        {
            _key.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }

    public static Outcome Run(byte[] factory, byte[] update, byte[] releaseKey, LinkModel link)
    {
        const string device = "esp32-0000bench0001";
        var clock = new NodeClock(1_764_000_000_000);
        var slots = new MemorySlotStorage(update.Length + 64 * 1024);
        var flash = new SimulatedNorFlash(4 * 4096, 4096);
        var boot = new BootStateStore(new FlashWindow(flash, 0, 2), 0);
        FactoryInstall.Install(slots, boot, factory);
        var client = new OtaClient(new OtaClientSettings
        {
            DeviceId = device, Board = Packages.Board, LoaderVersion = 1, RunningVersion = FirmwarePackage.Parse(factory).Manifest.Version.ToString(),
            ReleasePublicKey = releaseKey,
        }, slots, boot, new FlashWindow(flash, 2, 2), clock);
        client.OnHealthSignal(NodeHealthSignal.BrokerReached);
        client.OnHealthSignal(NodeHealthSignal.SensorRead);

        var package = CampaignPackage.Parse(update);
        const string campaign = "bench";
        const int servedChunk = 4096;
        byte[] offer = OtaMessages.EncodeOffer(new OtaOffer
        {
            CampaignId = campaign, Manifest = package.ManifestBytes, Signature = package.Signature, ChunkSize = servedChunk,
        });
        string offerTopic = OtaTopics.Offer(device), chunkTopic = OtaTopics.Chunk(device);
        // Arrivals at the device, by virtual time.
        var arrivals = new PriorityQueue<(string Topic, byte[] Payload), double>();
        arrivals.Enqueue((offerTopic, offer), link.Down(0, offerTopic, offer.Length, mayBeLost: false)!.Value);
        double start = clock.UnixTimeMillis;
        int requests = 0;
        while (!client.RebootRequested)
        {
            double now = clock.UnixTimeMillis - start;
            var outbox = new ArrayList();
            client.TakeOutbound(outbox);
            foreach (PendingPublish p in outbox)
            {
                double atCloud = link.Up(now, p.Topic, p.Payload.Length);
                if (p.Topic.EndsWith("/ota/result")) throw new InvalidOperationException("the update failed: " + OtaReports.DecodeResult(p.Payload).Error);
                if (!p.Topic.EndsWith("/ota/req")) continue;
                requests++;
                byte[]? chunk = CampaignChunkServer.Answer(package, CampaignChunkServer.DecodeRequest(p.Payload), servedChunk);
                if (chunk is null) continue;
                if (link.Down(atCloud, chunkTopic, chunk.Length, mayBeLost: true) is { } arrives) arrivals.Enqueue((chunkTopic, chunk), arrives);
            }
            if (client.RebootRequested) break;
            // Deliver what has arrived, else let time pass to the next arrival (or a slice, for the client's timeouts).
            if (arrivals.TryPeek(out _, out double next) && next <= now)
            {
                var (topic, payload) = arrivals.Dequeue();
                client.OnMessage(topic, payload);
                continue;
            }
            double step = arrivals.Count > 0 ? next - now : 250;
            clock.Advance(Math.Max(1, (long)Math.Ceiling(step)));
            if (clock.UnixTimeMillis - start > 3_600_000) throw new InvalidOperationException("the update did not finish within an hour of virtual time");
        }
        return new Outcome((clock.UnixTimeMillis - start) / 1000.0, link.BytesOnLink, requests, link.ChunksLost);
    }
}
