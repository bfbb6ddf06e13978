using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// Answers a device's chunk request (nodes/{id}/ota/req) from the campaign's package: exactly the asked range of
/// file "f", clipped to the file's end, with its CRC-32. A request that names another campaign or lies outside the
/// package gets no answer (null), which the device treats as a lost chunk.
/// </summary>
public static class CampaignChunkServer
{
    /// <summary>Decodes a request; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static OtaChunkRequest DecodeRequest(byte[] payload)
    {
        try
        {
            return OtaMessages.DecodeRequest(payload);
        }
        catch (CborException e)
        {
            throw new FormatException("chunk request: " + e.Message, e);
        }
    }

    public static byte[]? Answer(CampaignPackage package, OtaChunkRequest q, int maxChunkSize)
    {
        byte[]? data = package.Range(q.FileIndex, q.Offset, Math.Min(q.Length, maxChunkSize));
        if (data is null) return null;
        return OtaMessages.EncodeChunk(new OtaChunk
        {
            CampaignId = q.CampaignId, FileIndex = q.FileIndex, Offset = q.Offset, Data = data, Crc = Crc32.Compute(data, 0, data.Length),
        });
    }
}
