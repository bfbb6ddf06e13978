using NodeSim.RomBootloader.Rfc2217;

namespace NodeSim.Tests.RomBootloader;

public class TelnetDecoderHostileInputTests
{
    [Fact]
    public void A_subnegotiation_over_the_limit_is_dropped_and_the_data_after_it_still_arrives()
    {
        var input = new List<byte> { 0xFF, 0xFA, 0x2C };
        input.AddRange(Enumerable.Repeat((byte)0x41, 100_000));
        input.AddRange(new byte[] { 0xFF, 0xF0, 0x55 });

        var events = new TelnetDecoder().Push(input.ToArray());

        Assert.DoesNotContain(events, e => e.Kind == TelnetEventKind.Subnegotiation);
        Assert.Equal(new byte[] { 0x55 }, Assert.Single(events, e => e.Kind == TelnetEventKind.Data).Bytes);
    }

    [Fact]
    public void Random_bytes_cut_anywhere_decode_as_they_do_in_one_piece()
    {
        var random = new Random(2217);
        for (int round = 0; round < 200; round++)
        {
            var input = new byte[random.Next(1, 600)];
            random.NextBytes(input);
            for (int i = 0; i < input.Length; i++)
            {
                if (random.Next(4) == 0) input[i] = 0xFF; // plenty of IACs
            }

            var whole = Flatten(new TelnetDecoder().Push(input));
            var decoder = new TelnetDecoder();
            var pieces = new List<TelnetEvent>();
            for (int at = 0; at < input.Length;)
            {
                int n = Math.Min(random.Next(1, 8), input.Length - at);
                pieces.AddRange(decoder.Push(input.AsSpan(at, n)));
                at += n;
            }

            Assert.Equal(whole, Flatten(pieces));
        }
    }

    /// <summary>Events with adjacent data joined, since cutting the input may split one data run into several.</summary>
    private static List<string> Flatten(IEnumerable<TelnetEvent> events)
    {
        var list = new List<string>();
        foreach (var e in events)
        {
            string text = $"{e.Kind}:{e.Verb}:{e.Option}:{Convert.ToHexString(e.Bytes)}";
            if (e.Kind == TelnetEventKind.Data && list.Count > 0 && list[^1].StartsWith("Data:"))
            {
                list[^1] += Convert.ToHexString(e.Bytes);
            }
            else
            {
                list.Add(text);
            }
        }

        return list;
    }
}
