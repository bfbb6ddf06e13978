using System.Formats.Cbor;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Tests.Support;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Receiver.Tests.Decoding;

/// <summary>
/// Throws mutated, truncated, spliced, random, structurally random and oversized inputs at the decoders and the
/// validator: the only exception allowed out is PayloadRejected.
/// </summary>
public class DecoderFuzzTests
{
    private const int Inputs = 120_000;
    private static readonly DateTimeOffset ReceivedAt = DateTimeOffset.FromUnixTimeSeconds(1_750_100_000);
    private static readonly string[] Keys = ["v", "d", "e", "s", "t", "dt", "c", "f", "n", "u", "x", "p", "b", "state", "bat", "fw"];

    [Fact]
    public void No_input_escapes_as_anything_but_PayloadRejected()
    {
        var corpus = Corpus();
        var random = new Random(20251125);
        var validator = new TelemetryValidator();
        int accepted = 0, rejected = 0;
        var reasons = new HashSet<RejectReason>();
        for (int i = 0; i < Inputs; i++)
        {
            byte[] input = Mutate(random, corpus);
            foreach (bool asStatus in new[] { false, true })
            {
                try
                {
                    if (asStatus) StatusDecoder.Decode(input);
                    else validator.Validate(TelemetryBatchDecoder.Decode(input, Batches.DeviceId), Batches.DeviceId, ReceivedAt);
                    accepted++;
                }
                catch (PayloadRejected e)
                {
                    rejected++;
                    reasons.Add(e.Reason);
                    Assert.False(string.IsNullOrWhiteSpace(e.Detail));
                }
                catch (Exception e)
                {
                    Assert.Fail($"input {i} ({Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 96)))}) escaped as {e.GetType().Name}: {e.Message}");
                }
            }
        }
        Assert.True(accepted > 100, $"only {accepted} inputs were accepted: the mutations never leave a valid payload");
        Assert.True(rejected > Inputs, $"only {rejected} rejections");
        Assert.True(reasons.Count >= 8, "rejections seen: " + string.Join(", ", reasons));
    }

    private static List<byte[]> Corpus()
    {
        var list = new List<byte[]>
        {
            Batches.Encode(Batches.Readings(5, 100, 1_750_000_000)),
            Batches.Encode(Batches.Readings(40, 7, 1_750_000_000, seed: 3, faultRate: 0.3)),
            Batches.Encode(Batches.Readings(3, 0, 0, battery: false)),
            Batches.Encode(Batches.Readings(1, uint.MaxValue, 1_750_000_000)),
            Batches.EncodePacked(Batches.Readings(15, 100, 1_750_000_000)),
            Batches.EncodePacked(Batches.Readings(40, 7, 1_750_000_000, seed: 3, faultRate: 0.3)),
            Batches.EncodePacked(Batches.Readings(3, 0, 0, battery: false)),
            BatchCbor.Valid().Encode(),
            StatusEncoder.Offline(),
            StatusEncoder.Encode(new NodeStatus { State = "sleeping", FirmwareVersion = "1.2.3", BatteryMillivolts = 3800, SleepUntil = 1_750_000_600 }),
            StatusEncoder.Encode(StatusVitalsDecoderTests.WithEveryVital()),
        };
        return list;
    }

    private static byte[] Mutate(Random random, List<byte[]> corpus)
    {
        byte[] seed = corpus[random.Next(corpus.Count)];
        switch (random.Next(10))
        {
            case 0:
            case 1:
            {
                var b = (byte[])seed.Clone();
                int flips = random.Next(1, 5);
                for (int k = 0; k < flips; k++) b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
                return b;
            }
            case 2:
            {
                var b = (byte[])seed.Clone();
                int changes = random.Next(1, 4);
                for (int k = 0; k < changes; k++) b[random.Next(b.Length)] = InterestingByte(random);
                return b;
            }
            case 3:
                return seed[..random.Next(seed.Length)];
            case 4:
            {
                int at = random.Next(seed.Length + 1);
                var insert = new byte[random.Next(1, 12)];
                for (int k = 0; k < insert.Length; k++) insert[k] = InterestingByte(random);
                return [.. seed[..at], .. insert, .. seed[at..]];
            }
            case 5:
            {
                int at = random.Next(seed.Length);
                int len = random.Next(1, Math.Min(16, seed.Length - at) + 1);
                return [.. seed[..at], .. seed[(at + len)..]];
            }
            case 6:
            {
                var b = new byte[random.Next(0, 80)];
                random.NextBytes(b);
                return b;
            }
            case 7:
            {
                byte[] other = corpus[random.Next(corpus.Count)];
                return [.. seed[..random.Next(seed.Length)], .. other[random.Next(other.Length)..]];
            }
            case 8:
                return RandomCbor(random);
            default:
                return random.Next(5) switch
                {
                    4 => [0xA2, 0x61, (byte)'v', 0x01, 0x61, (byte)'z', .. Enumerable.Repeat((byte)0x81, random.Next(1, 4000)), 0x00], // deep value under an unknown status key
                    0 => new byte[TelemetryLimits.MaxPayloadBytes + 1 + random.Next(1000)],
                    1 => Enumerable.Repeat((byte)0x81, random.Next(1, 5000)).ToArray(), // deep nesting
                    2 => [0xBF, .. Enumerable.Repeat((byte)0x9F, random.Next(1, 300))], // indefinite-length nesting
                    _ => [0xA1, 0x62, (byte)'d', (byte)'t', 0x9A, 0xFF, 0xFF, 0xFF, 0xFF], // array claiming 4 G items
                };
        }
    }

    private static byte InterestingByte(Random random) => random.Next(6) switch
    {
        0 => 0xF6, // null
        1 => (byte)(0x18 + random.Next(4)), // integer heads with 1..8 byte arguments
        2 => 0x9F, // indefinite array
        3 => 0xFF, // break
        4 => (byte)(0x1B + 0x20 * random.Next(8)), // 8-byte argument of any major type
        _ => (byte)random.Next(256),
    };

    /// <summary>A random, well-formed CBOR tree using the batch's keys, so decoding gets past the syntax.</summary>
    private static byte[] RandomCbor(Random random)
    {
        var w = new CborWriter(CborConformanceMode.Lax);
        WriteRandom(w, random, depth: 0, topLevel: true);
        return w.Encode();
    }

    private static void WriteRandom(CborWriter w, Random random, int depth, bool topLevel = false)
    {
        int kind = topLevel ? 0 : depth > 3 ? random.Next(1, 4) : random.Next(6);
        switch (kind)
        {
            case 0:
            {
                var keys = Keys.OrderBy(_ => random.Next()).Take(random.Next(1, 9)).ToList();
                w.WriteStartMap(keys.Count);
                foreach (var k in keys)
                {
                    w.WriteTextString(k);
                    WriteRandom(w, random, depth + 1);
                }
                w.WriteEndMap();
                break;
            }
            case 1: w.WriteInt64(random.Next(3) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : random.Next(-100, 2_000_000_000)); break;
            case 2: w.WriteTextString(random.Next(3) == 0 ? Batches.DeviceId : new string('a', random.Next(0, 70))); break;
            case 3: w.WriteNull(); break;
            case 4:
            case 5:
            {
                int n = random.Next(0, 6);
                w.WriteStartArray(n);
                for (int i = 0; i < n; i++) WriteRandom(w, random, depth + 1);
                w.WriteEndArray();
                break;
            }
        }
    }
}
