using System;
using System.Collections;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Storage;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// An update as the device lives it: the Loader (SlotSelector with the full check) at every boot, the
    /// application's OtaClient, and a cloud that answers chunk requests from the offered package, all in memory.
    /// "key:" is the provisioned release key; "image: NAME SEED SIZES MANIFEST SIGNATURE" a signed package whose files
    /// are <see cref="Pattern"/>(SEED + i, SIZE i); "auth: NAME DOCUMENT SIGNATURE" a downgrade authorization.
    /// "step:" lines run in order: "manufacture IMAGE", "boot", "offer CAMPAIGN IMAGE [AUTH]", "session", "session
    /// unhealthy" (the image never reads its sensor, so it never confirms). Expect: what each session reported,
    /// "|"-separated, then the boot state's running version, slot, floor, highest confirmed version and downgrade counter.
    /// </summary>
    public static class OtaCheck
    {
        public const string DeviceId = "esp32-0011223344ff";
        private const string Board = "esp32-devkitc-v4";

        public static string Compute(Vector v)
        {
            var device = new Device(v.Bytes("key"));
            string[] images = v.All("image");
            string[] auths = v.All("auth");
            string log = "";
            foreach (string step in v.All("step"))
            {
                string[] f = step.Split(' ');
                if (f[0] == "manufacture") device.Manufacture(Find(images, f[1], v.Name));
                else if (f[0] == "boot") log += device.Boot();
                else if (f[0] == "offer") device.Offer(f[1], Find(images, f[2], v.Name), f.Length > 3 ? Find(auths, f[3], v.Name) : null);
                else if (f[0] == "session") log += device.Session(f.Length < 2 || f[1] != "unhealthy");
                else throw new VectorFormatException(v.Name + ": unknown step '" + step + "'");
            }
            BootState s = device.BootStore.Load();
            return log + "| running " + s.Versions[s.RunningSlot] + " slot " + SlotLayout.SlotName(s.RunningSlot) + " floor " + s.SecurityFloor
                + " hi " + s.HighestVersion + " dac " + s.DowngradeCounter;
        }

        /// <summary>The bytes of a package file: a 32-bit linear congruential sequence, its bits 16-23.</summary>
        public static byte[] Pattern(int seed, int size)
        {
            var b = new byte[size];
            uint s = (uint)seed;
            for (int i = 0; i < size; i++)
            {
                s = s * 1103515245 + 12345;
                b[i] = (byte)(s >> 16);
            }
            return b;
        }

        private static string[] Find(string[] lines, string name, string caseName)
        {
            foreach (string line in lines)
            {
                string[] f = line.Split(' ');
                if (f[0] == name) return f;
            }
            throw new VectorFormatException(caseName + ": no image or auth named " + name);
        }

        private class Device
        {
            private readonly byte[] _key;
            private readonly CutFlash _flash = new CutFlash(4 * 4096, 4096);
            private readonly MemorySlotStorage _slots = new MemorySlotStorage(64 * 1024);
            private readonly VirtualClock _clock = new VirtualClock();
            private OtaClient _client;
            private byte[] _offer;
            private string _campaign;
            private byte[][] _files;

            public Device(byte[] key)
            {
                _key = key;
            }

            public BootStateStore BootStore
            {
                get { return new BootStateStore(new FlashWindow(_flash, 0, 2), 0); }
            }

            public void Manufacture(string[] image)
            {
                byte[] manifest = HexText.Decode(image[3], "manifest");
                byte[] signature = HexText.Decode(image[4], "signature");
                byte[][] files = Files(image);
                _slots.EraseSlot(SlotLayout.SlotA);
                var signed = new byte[manifest.Length + signature.Length];
                Array.Copy(manifest, signed, manifest.Length);
                Array.Copy(signature, 0, signed, manifest.Length, signature.Length);
                _slots.Write(SlotLayout.SlotA, SlotLayout.ManifestFileName, 0, signed, 0, signed.Length);
                FirmwareManifest m = ManifestCodec.Decode(manifest);
                for (int i = 0; i < files.Length; i++) _slots.Write(SlotLayout.SlotA, m.Files[i].Name, 0, files[i], 0, files[i].Length);
                BootStore.Save(BootState.Factory(SlotLayout.SlotA, m.Version.ToString(), m.SecurityVersion));
            }

            public string Boot()
            {
                _clock.BootMillis = _clock.UnixMillis;
                var loader = new SlotSelector(BootStore, new SlotVerifier(_slots, new ManifestVerifier(_key, Board, 2)));
                SlotDecision d = loader.Select();
                if (d.Slot == BootState.NoSlot) return "boot: unbootable ";
                var settings = new OtaClientSettings();
                settings.DeviceId = DeviceId;
                settings.Board = Board;
                settings.LoaderVersion = 2;
                settings.RunningVersion = d.Manifest.Version.ToString();
                settings.ReleasePublicKey = _key;
                settings.MaxChunkSize = 512;
                settings.ChunkTimeoutMillis = 2000;
                _client = new OtaClient(settings, _slots, BootStore, new FlashWindow(_flash, 2, 2), _clock);
                return "boot " + d.Manifest.Version + (d.Trial ? " trial " : " ");
            }

            public void Offer(string campaign, string[] image, string[] auth)
            {
                var o = new OtaOffer();
                o.CampaignId = campaign;
                o.Manifest = HexText.Decode(image[3], "manifest");
                o.Signature = HexText.Decode(image[4], "signature");
                if (auth != null)
                {
                    o.Authorization = HexText.Decode(auth[1], "auth");
                    o.AuthorizationSignature = HexText.Decode(auth[2], "auth signature");
                }
                o.ChunkSize = 512;
                _offer = OtaMessages.EncodeOffer(o);
                _campaign = campaign;
                _files = Files(image);
            }

            public string Session(bool healthy)
            {
                string reported = "";
                _client.OnHealthSignal(NodeHealthSignal.BrokerReached);
                if (healthy) _client.OnHealthSignal(NodeHealthSignal.SensorRead);
                if (_offer != null) _client.OnMessage("nodes/" + DeviceId + "/ota/offer", _offer);
                for (int round = 0; round < 1000; round++)
                {
                    var outbox = new ArrayList();
                    _client.TakeOutbound(outbox);
                    var chunks = new ArrayList();
                    foreach (PendingPublish p in outbox)
                    {
                        if (p.Topic.EndsWith("/ota/req")) chunks.Add(Answer(p.Payload));
                        else if (p.Topic.EndsWith("/ota/result")) reported += "result " + Result(p.Payload) + " ";
                    }
                    if (healthy && _client.ConfirmPending) _client.OnHealthSignal(NodeHealthSignal.TelemetryAcknowledged);
                    foreach (byte[] c in chunks) if (c != null) _client.OnMessage("nodes/" + DeviceId + "/ota/chunk", c);
                    _clock.UnixMillis += 250;
                    if (_client.RebootRequested) return reported + "reboot ";
                    if (!_client.Downloading && chunks.Count == 0 && outbox.Count == 0 && round > 0) break;
                }
                var rest = new ArrayList();
                _client.TakeOutbound(rest);
                foreach (PendingPublish p in rest) if (p.Topic.EndsWith("/ota/result")) reported += "result " + Result(p.Payload) + " ";
                return reported;
            }

            private byte[] Answer(byte[] request)
            {
                OtaChunkRequest q = OtaMessages.DecodeRequest(request);
                if (q.CampaignId != _campaign || q.FileIndex >= _files.Length) return null;
                byte[] file = _files[q.FileIndex];
                if (q.Offset + q.Length > file.Length) return null;
                var c = new OtaChunk();
                c.CampaignId = q.CampaignId;
                c.FileIndex = q.FileIndex;
                c.Offset = q.Offset;
                c.Data = new byte[q.Length];
                Array.Copy(file, q.Offset, c.Data, 0, q.Length);
                c.Crc = Crc32.Compute(c.Data, 0, c.Data.Length);
                return OtaMessages.EncodeChunk(c);
            }

            private static string Result(byte[] payload)
            {
                var r = new Core.Cbor.CborReader(payload);
                int pairs = r.ReadStartMap();
                string campaign = "", ok = "", fw = "", err = "";
                for (int i = 0; i < pairs; i++)
                {
                    string key = r.ReadText();
                    if (key == "c") campaign = r.ReadText();
                    else if (key == "ok") ok = r.ReadBoolean() ? "ok" : "failed";
                    else if (key == "fw") fw = r.ReadText();
                    else if (key == "err") err = " (" + r.ReadText() + ")";
                    else r.SkipValue();
                }
                return campaign + " " + ok + " " + fw + err + ";";
            }

            private static byte[][] Files(string[] image)
            {
                int seed = (int)HexText.ParseLong(image[1], "seed");
                string[] sizes = image[2].Split(',');
                var files = new byte[sizes.Length][];
                for (int i = 0; i < sizes.Length; i++) files[i] = Pattern(seed + i, (int)HexText.ParseLong(sizes[i], "size"));
                return files;
            }
        }
    }
}
