using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>
/// The cloud side of an OTA campaign, in the test: holds the retained offer, answers chunk requests from the
/// image's files, and can drop, damage or forge chunks. Records what the device reported.
/// </summary>
public sealed class FakeCloud
{
    private readonly Random _random;

    public FakeCloud(int seed = 1) => _random = new Random(seed);

    public string CampaignId { get; private set; } = "";
    public TestImage? Image { get; private set; }
    public byte[]? RetainedOffer { get; set; }

    /// <summary>Probability that a request gets no answer.</summary>
    public double DropRate { get; set; }

    /// <summary>Probability that an answer's data is damaged in transit (its CRC then no longer matches).</summary>
    public double DamageRate { get; set; }

    /// <summary>When set, every chunk of this file index carries a flipped bit with a CRC that matches (a forged image).</summary>
    public int ForgeFile { get; set; } = -1;

    /// <summary>No answers at all (the campaign's server is gone).</summary>
    public bool Silent { get; set; }

    public List<OtaChunkRequest> Requests { get; } = new();
    public List<(string Campaign, bool Ok, string Fw, string? Err)> Results { get; } = new();
    public List<(string Campaign, string State, long Done, long Total)> Progress { get; } = new();

    public void Offer(string campaignId, TestImage image, TestAuthorization? authorization = null, int chunkSize = 512)
    {
        CampaignId = campaignId;
        Image = image;
        RetainedOffer = OtaMessages.EncodeOffer(new OtaOffer
        {
            CampaignId = campaignId,
            Manifest = image.Manifest,
            Signature = image.Signature,
            Authorization = authorization?.Document,
            AuthorizationSignature = authorization?.Signature,
            ChunkSize = chunkSize,
        });
        Offers.Add((RetainedOffer, image));
    }

    /// <summary>Every offer made so far, byte for byte, with the image it offered: what a replaying attacker recorded.</summary>
    public List<(byte[] Payload, TestImage Image)> Offers { get; } = new();

    /// <summary>Puts a recorded offer back as the retained one (a replay); chunks are then served from its image.</summary>
    public void Replay((byte[] Payload, TestImage Image) recorded)
    {
        RetainedOffer = recorded.Payload;
        Image = recorded.Image;
        CampaignId = OtaMessages.DecodeOffer(recorded.Payload).CampaignId;
    }

    /// <summary>The chunk answering <paramref name="requestPayload"/>, or null when it is lost.</summary>
    public byte[]? Answer(byte[] requestPayload)
    {
        var q = OtaMessages.DecodeRequest(requestPayload);
        Requests.Add(q);
        if (Silent || Image == null || q.CampaignId != CampaignId || q.FileIndex >= Image.Files.Length) return null;
        if (_random.NextDouble() < DropRate) return null;
        byte[] file = Image.Files[q.FileIndex];
        if (q.Offset + q.Length > file.Length) return null;
        byte[] data = file.AsSpan(q.Offset, q.Length).ToArray();
        uint crc = Crc32.Compute(data, 0, data.Length);
        if (q.FileIndex == ForgeFile)
        {
            data[0] ^= 0x01;
            crc = Crc32.Compute(data, 0, data.Length);
        }
        else if (_random.NextDouble() < DamageRate)
        {
            data[_random.Next(data.Length)] ^= (byte)(1 << _random.Next(8));
        }
        return OtaMessages.EncodeChunk(new OtaChunk { CampaignId = q.CampaignId, FileIndex = q.FileIndex, Offset = q.Offset, Data = data, Crc = crc });
    }

    public void Record(string topic, byte[] payload)
    {
        var r = new System.Formats.Cbor.CborReader(payload);
        var map = new Dictionary<string, object?>();
        int n = r.ReadStartMap() ?? 0;
        for (int i = 0; i < n; i++)
        {
            string key = r.ReadTextString();
            map[key] = r.PeekState() switch
            {
                System.Formats.Cbor.CborReaderState.TextString => r.ReadTextString(),
                System.Formats.Cbor.CborReaderState.Boolean => r.ReadBoolean(),
                System.Formats.Cbor.CborReaderState.UnsignedInteger => (long)r.ReadUInt64(),
                _ => Skip(r),
            };
        }
        if (topic.EndsWith("/ota/result"))
            Results.Add(((string)map["c"]!, (bool)map["ok"]!, (string)map["fw"]!, map.TryGetValue("err", out var e) ? (string?)e : null));
        else if (topic.EndsWith("/ota/progress"))
            Progress.Add(((string)map["c"]!, (string)map["st"]!, (long)map["done"]!, (long)map["total"]!));
    }

    private static object? Skip(System.Formats.Cbor.CborReader r)
    {
        r.SkipValue();
        return null;
    }
}
