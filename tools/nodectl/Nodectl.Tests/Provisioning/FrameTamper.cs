using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>Rewrites the frames a node sends, for hostile-peer tests.</summary>
internal static class FrameTamper
{
    public static Func<byte[], byte[]> Rewrite(Func<Frame, byte[]?> rewrite) => output =>
    {
        var decoder = new FrameDecoder(ProvisioningProtocol.AbsoluteMaxPayload);
        decoder.Feed(output, 0, output.Length);
        var result = new List<byte>();
        FrameDecodeResult? r;
        while ((r = decoder.Next()) != null)
        {
            if (!r.IsFrame) continue;
            result.AddRange(rewrite(r.Frame) ?? []);
        }
        return result.ToArray();
    };

    public static byte[] Same(Frame f) => FrameEncoder.Encode(f.Type, f.Sequence, f.Payload);
}
