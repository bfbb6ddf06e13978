using CsCheck;
using NodeFirmware.Nodectl.Flashing;

namespace NodeFirmware.Nodectl.Tests.Flashing;

public class SlipTests
{
    private static List<SlipEvent> Decode(SlipDecoder decoder, byte[] wire, int[] cuts)
    {
        var events = new List<SlipEvent>();
        int at = 0;
        foreach (int cut in cuts.Where(c => c > 0 && c < wire.Length).Distinct().Order())
        {
            decoder.Push(wire.AsSpan(at, cut - at), events);
            at = cut;
        }

        decoder.Push(wire.AsSpan(at), events);
        return events;
    }

    [Fact]
    public void Escapes_end_and_esc_and_nothing_else()
    {
        var frame = Slip.Encode(new byte[] { 0x01, 0xC0, 0xDB, 0xDC, 0xDD });
        Assert.Equal(new byte[] { 0xC0, 0x01, 0xDB, 0xDC, 0xDB, 0xDD, 0xDC, 0xDD, 0xC0 }, frame);
    }

    [Fact]
    public void Packets_round_trip_whatever_the_chunking()
    {
        var gen = Gen.Select(Gen.Byte.Array[1, 300].Array[1, 6], Gen.Int[0, 2000].Array[0, 8]);
        gen.Sample((packets, cuts) =>
        {
            var wire = packets.SelectMany(p => Slip.Encode(p)).ToArray();
            var events = Decode(new SlipDecoder(400), wire, cuts);
            Assert.All(events, e => Assert.True(e.IsPacket, e.ToString()));
            Assert.Equal(packets.Length, events.Count);
            for (int i = 0; i < packets.Length; i++)
            {
                Assert.Equal(packets[i], events[i].Packet);
            }
        }, iter: 300);
    }

    [Fact]
    public void Garbage_between_frames_is_reported_and_every_packet_still_arrives()
    {
        var noise = Gen.Byte.Where(b => b != Slip.End).Array[1, 40];
        Gen.Select(Gen.Byte.Array[1, 100].Array[1, 5], noise).Sample((packets, garbage) =>
        {
            var wire = new List<byte>();
            foreach (var p in packets)
            {
                wire.AddRange(garbage);
                wire.AddRange(Slip.Encode(p));
            }

            var events = Decode(new SlipDecoder(200), wire.ToArray(), Array.Empty<int>());
            Assert.Equal(packets, events.Where(e => e.IsPacket).Select(e => e.Packet!).ToArray());
            Assert.Contains(events, e => e.Error == SlipError.BytesOutsideFrame);
        }, iter: 200);
    }

    [Fact]
    public void Invalid_escape_is_an_error_and_the_next_frame_decodes()
    {
        var wire = new byte[] { 0xC0, 0x01, 0xDB, 0x42, 0x02, 0xC0, 0xC0, 0x07, 0x08, 0xC0 };
        var events = Decode(new SlipDecoder(100), wire, Array.Empty<int>());
        Assert.Equal(SlipError.InvalidEscape, events[0].Error);
        Assert.Contains("0xDB 0x42", events[0].Detail);
        Assert.Equal(new byte[] { 0x07, 0x08 }, Assert.Single(events, e => e.IsPacket).Packet);
    }

    [Fact]
    public void Oversized_frame_is_an_error_and_the_decoder_resynchronises()
    {
        var big = Slip.Encode(Enumerable.Repeat((byte)0x11, 64).ToArray());
        var small = Slip.Encode(new byte[] { 0x22, 0x33 });
        var events = Decode(new SlipDecoder(32), big.Concat(small).ToArray(), Array.Empty<int>());
        Assert.Equal(SlipError.Oversized, events[0].Error);
        Assert.Equal(new byte[] { 0x22, 0x33 }, Assert.Single(events, e => e.IsPacket).Packet);
    }

    [Fact]
    public void A_lost_end_costs_one_packet_only()
    {
        var first = Slip.Encode(new byte[] { 1, 2, 3 });
        var second = Slip.Encode(new byte[] { 4, 5, 6 });
        var third = Slip.Encode(new byte[] { 7, 8, 9 });
        var wire = first[..^1].Concat(second).Concat(third).ToArray();
        var packets = Decode(new SlipDecoder(64), wire, Array.Empty<int>()).Where(e => e.IsPacket).Select(e => e.Packet!).ToList();
        Assert.Contains(packets, p => p.SequenceEqual(new byte[] { 7, 8, 9 }));
        Assert.DoesNotContain(packets, p => p.SequenceEqual(new byte[] { 4, 5, 6 }));
    }
}
