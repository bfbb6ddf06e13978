using CsCheck;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Tests.Provisioning;

public class FrameDecoderTests
{
    private static readonly Gen<(MessageType Type, int Seq, byte[] Payload)> Frames =
        from type in Gen.OneOf(MessageType.Hello, MessageType.PutBundle, MessageType.Commit, MessageType.Stored, MessageType.Error)
        from seq in Gen.Int[0, 0xFFFF]
        from payload in Gen.Byte.Array[0, 300]
        select (type, seq, payload);

    private static (List<Frame> Frames, List<FrameDecodeResult> Rejections, FrameDecoder Decoder) DecodeAll(IEnumerable<byte[]> chunks, int maxPayload = ProvisioningProtocol.DefaultMaxPayload)
    {
        var decoder = new FrameDecoder(maxPayload);
        var frames = new List<Frame>();
        var rejections = new List<FrameDecodeResult>();
        foreach (var chunk in chunks)
        {
            decoder.Feed(chunk, 0, chunk.Length);
            FrameDecodeResult? r;
            while ((r = decoder.Next()) != null)
            {
                if (r.IsFrame) frames.Add(r.Frame);
                else rejections.Add(r);
            }
        }
        return (frames, rejections, decoder);
    }

    private static void AssertSame((MessageType Type, int Seq, byte[] Payload) expected, Frame actual)
    {
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Seq, actual.Sequence);
        Assert.Equal(expected.Payload, actual.Payload);
        Assert.Equal(ProvisioningProtocol.Version, actual.Version);
    }

    [Fact]
    public void Encoded_frame_has_the_documented_layout()
    {
        byte[] frame = FrameEncoder.Encode(MessageType.PutBundle, 0x1234, new byte[] { 0xAA, 0xBB });
        Assert.Equal(new byte[] { (byte)'N', (byte)'F', (byte)'P', 1, 0x02, 0x34, 0x12, 0x02, 0x00 }, frame[..9]);
        Assert.Equal(Crc32.Compute(frame, 0, 9), ByteOrder.ReadUInt32LE(frame, 9));
        Assert.Equal(new byte[] { 0xAA, 0xBB }, frame[13..15]);
        Assert.Equal(Crc32.Compute(frame, 0, 15), ByteOrder.ReadUInt32LE(frame, 15));
        Assert.Equal(19, frame.Length);
    }

    [Fact]
    public void Frames_survive_random_garbage_between_them()
    {
        Gen.Select(Frames.List[1, 6], Gen.Byte.Array[0, 64].Array[7]).Sample((frames, garbage) =>
        {
            var stream = new List<byte>(garbage[0]);
            for (int i = 0; i < frames.Count; i++)
            {
                stream.AddRange(FrameEncoder.Encode(frames[i].Type, frames[i].Seq, frames[i].Payload));
                stream.AddRange(garbage[i + 1]);
            }
            var (decoded, _, _) = DecodeAll(new[] { stream.ToArray() });
            Assert.Equal(frames.Count, decoded.Count);
            for (int i = 0; i < frames.Count; i++) AssertSame(frames[i], decoded[i]);
        }, iter: 500);
    }

    [Fact]
    public void A_stream_split_at_every_byte_decodes_the_same()
    {
        var sent = new[]
        {
            (MessageType.Hello, 1, Array.Empty<byte>()),
            (MessageType.PutBundle, 2, Enumerable.Range(0, 200).Select(i => (byte)(i * 13)).ToArray()),
            (MessageType.Commit, 3, new byte[32]),
        };
        var noise = new byte[] { 0x4E, 0x46, 0x00, 0x4E, 0x4E, 0x46, 0x50, 0x01 }; // partial magics, then a false one
        byte[] stream = noise.Concat(sent.SelectMany(f => FrameEncoder.Encode(f.Item1, f.Item2, f.Item3).Concat(noise))).ToArray();

        for (int split = 0; split <= stream.Length; split++)
        {
            var (decoded, _, decoder) = DecodeAll(new[] { stream[..split], stream[split..] });
            Assert.Equal(sent.Length, decoded.Count);
            for (int i = 0; i < sent.Length; i++) AssertSame(sent[i], decoded[i]);
            Assert.True(decoder.Buffered < ProvisioningProtocol.HeaderSize);
        }
        var (oneByOne, _, _) = DecodeAll(stream.Select(b => new[] { b }));
        Assert.Equal(sent.Length, oneByOne.Count);
    }

    [Fact]
    public void Random_chunking_decodes_the_same()
    {
        Gen.Select(Frames.List[1, 5], Gen.Int[1, 40].Array[64]).Sample((frames, cuts) =>
        {
            byte[] stream = frames.SelectMany(f => FrameEncoder.Encode(f.Type, f.Seq, f.Payload)).ToArray();
            var chunks = new List<byte[]>();
            int at = 0, c = 0;
            while (at < stream.Length)
            {
                int n = Math.Min(cuts[c++ % cuts.Length], stream.Length - at);
                chunks.Add(stream[at..(at + n)]);
                at += n;
            }
            var (decoded, rejections, _) = DecodeAll(chunks);
            Assert.Empty(rejections);
            Assert.Equal(frames.Count, decoded.Count);
            for (int i = 0; i < frames.Count; i++) AssertSame(frames[i], decoded[i]);
        }, iter: 300);
    }

    [Fact]
    public void Every_single_bit_flip_is_rejected_and_the_next_frame_still_decodes()
    {
        byte[] damagedSource = FrameEncoder.Encode(MessageType.PutBundle, 7, Enumerable.Range(0, 40).Select(i => (byte)i).ToArray());
        byte[] good = FrameEncoder.Encode(MessageType.Hello, 8, Array.Empty<byte>());
        for (int bit = 0; bit < damagedSource.Length * 8; bit++)
        {
            var damaged = (byte[])damagedSource.Clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            var (decoded, rejections, decoder) = DecodeAll(new[] { damaged.Concat(good).ToArray() });

            Assert.Single(decoded);
            Assert.Equal(8, decoded[0].Sequence);
            // Outside the magic a flip is reported with its reason; a flipped magic makes the frame noise.
            if (bit >= 24)
            {
                Assert.NotEmpty(rejections);
                var reason = rejections[0].Reason;
                Assert.True(reason is FrameRejectReason.HeaderCrc or FrameRejectReason.FrameCrc, $"bit {bit}: {reason}");
                Assert.False(string.IsNullOrEmpty(rejections[0].Message));
                if (bit >= 13 * 8)
                {
                    Assert.Equal(FrameRejectReason.FrameCrc, reason);
                    Assert.True(rejections[0].HeaderValid);
                    Assert.Equal(7, rejections[0].Sequence);
                }
            }
            else
            {
                Assert.True(decoder.SkippedBytes > 0 || rejections.Count > 0);
            }
        }
    }

    [Fact]
    public void Random_corruption_never_yields_a_frame_that_was_not_sent()
    {
        Gen.Select(Frames, Gen.Int[0, 10_000], Gen.Byte[1, 255]).Sample((f, position, mask) =>
        {
            byte[] frame = FrameEncoder.Encode(f.Type, f.Seq, f.Payload);
            frame[position % frame.Length] ^= mask;
            var (decoded, _, _) = DecodeAll(new[] { frame });
            Assert.Empty(decoded);
        }, iter: 2000);
    }

    [Fact]
    public void Oversized_frame_is_rejected_its_body_skipped_and_the_next_frame_decodes()
    {
        byte[] big = FrameEncoder.Encode(MessageType.PutBundle, 5, new byte[600]);
        byte[] next = FrameEncoder.Encode(MessageType.Hello, 6, Array.Empty<byte>());
        foreach (int chunk in new[] { 1, 7, 100, 10_000 })
        {
            byte[] stream = big.Concat(next).ToArray();
            var (decoded, rejections, _) = DecodeAll(stream.Chunk(chunk), maxPayload: 512);
            var rejection = Assert.Single(rejections);
            Assert.Equal(FrameRejectReason.Oversized, rejection.Reason);
            Assert.Equal(5, rejection.Sequence);
            Assert.Contains("600", rejection.Message);
            Assert.Equal(6, Assert.Single(decoded).Sequence);
        }
    }

    [Fact]
    public void Other_protocol_version_is_rejected_with_the_version_named()
    {
        byte[] v2 = FrameEncoder.Encode(2, MessageType.Hello, 9, new byte[] { 1, 2, 3 });
        var (decoded, rejections, _) = DecodeAll(new[] { v2 });
        Assert.Empty(decoded);
        var r = Assert.Single(rejections);
        Assert.Equal(FrameRejectReason.UnsupportedVersion, r.Reason);
        Assert.Equal(9, r.Sequence);
        Assert.Contains("version 2", r.Message);
    }

    [Fact]
    public void Pure_noise_is_skipped_and_buffer_stays_small()
    {
        Gen.Byte.Array[0, 5000].Sample(noise =>
        {
            var (decoded, _, decoder) = DecodeAll(noise.Chunk(97));
            Assert.Empty(decoded);
            Assert.True(decoder.Buffered <= 4096 + ProvisioningProtocol.Overhead);
        }, iter: 200);
    }

    [Fact]
    public void Reset_drops_a_stalled_partial_frame()
    {
        byte[] frame = FrameEncoder.Encode(MessageType.PutBundle, 1, new byte[100]);
        var decoder = new FrameDecoder();
        decoder.Feed(frame, 0, 50);
        Assert.Null(decoder.Next());
        decoder.Reset();
        byte[] hello = FrameEncoder.Encode(MessageType.Hello, 2, Array.Empty<byte>());
        decoder.Feed(hello, 0, hello.Length);
        var r = decoder.Next();
        Assert.NotNull(r);
        Assert.Equal(2, r!.Frame.Sequence);
    }
}
