using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Core.Tests.Provisioning;

/// <summary>
/// 100,000 random and mutated frames thrown at the device side of provisioning (the whole session, not only the
/// decoder): it never throws, everything it sends back is a well-formed frame, and it still answers a clean HELLO.
/// </summary>
public class ProvisioningSessionFuzzTests
{
    private const int Frames = 100_000;

    [Fact]
    public void Random_and_mutated_frames_never_crash_the_session()
    {
        var random = new Random(20240817);
        var rig = new DeviceRig();
        var seeds = SeedFrames(random);
        int accepted = 0;

        for (int i = 0; i < Frames; i++)
        {
            byte[] bytes = (i % 10) switch
            {
                0 => Noise(random, random.Next(1, 64)),
                1 => Noise(random, random.Next(64, 2048)),
                _ => Mutate(random, seeds[random.Next(seeds.Count)]),
            };

            // Split the bytes across reads, as a UART delivers them.
            int at = 0;
            while (at < bytes.Length)
            {
                int n = Math.Min(bytes.Length - at, random.Next(1, 600));
                var part = bytes.AsSpan(at, n).ToArray();
                accepted += rig.Exchange(part).Count; // throws if the session throws or sends a broken frame
                at += n;
            }

            if (rig.Session.RebootRequested)
            {
                rig.Reboot();
            }

            if (i % 1000 == 999)
            {
                rig.Session.ResetInput(); // a new host connects now and then
            }
        }

        rig.Session.ResetInput();
        var hello = rig.Hello();
        Assert.Equal("esp32-240ac4123456", hello.DeviceId);
        Assert.True(accepted > 1000, $"only {accepted} replies: the mutations never reached the message handlers");
        Assert.True(rig.Session.RejectedFrames > 0 || rig.Session.Decoder.SkippedBytes > 0);
    }

    private static List<byte[]> SeedFrames(Random random)
    {
        var hash = new byte[32];
        random.NextBytes(hash);
        var bundle = BundleCodec.Encode(TestBundles.Bundle());
        return new List<byte[]>
        {
            FrameEncoder.Encode(MessageType.Hello, 1, Array.Empty<byte>()),
            FrameEncoder.Encode(MessageType.PutBundle, 2, bundle),
            FrameEncoder.Encode(MessageType.PutBundle, 3, bundle.AsSpan(0, bundle.Length / 2).ToArray()),
            FrameEncoder.Encode(MessageType.Commit, 4, hash),
            FrameEncoder.Encode(MessageType.Reboot, 5, Array.Empty<byte>()),
            FrameEncoder.Encode(MessageType.FactoryReset, 6, System.Text.Encoding.UTF8.GetBytes("RESET " + TestBundles.DeviceId)),
            FrameEncoder.Encode((MessageType)0x7F, 7, new byte[] { 1, 2, 3 }),
            FrameEncoder.Encode(2, MessageType.Hello, 8, Array.Empty<byte>()),
        };
    }

    /// <summary>Bit flips, byte overwrites, truncation, duplication, splicing and a changed type byte.</summary>
    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = (byte[])seed.Clone();
        switch (random.Next(7))
        {
            case 0:
                return bytes; // intact: the handlers see valid requests in odd orders
            case 1:
                for (int k = random.Next(1, 4); k > 0; k--) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 2:
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 3:
                return bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
            case 4:
                return bytes.Concat(bytes.AsSpan(0, random.Next(bytes.Length)).ToArray()).ToArray();
            case 5:
                int cut = random.Next(bytes.Length);
                return bytes.AsSpan(0, cut).ToArray().Concat(Noise(random, random.Next(1, 32))).Concat(bytes.AsSpan(cut).ToArray()).ToArray();
            default:
                // Re-encode with random header fields so the checksum still passes and the handler sees it.
                var payload = Noise(random, random.Next(0, 80));
                return FrameEncoder.Encode((MessageType)random.Next(256), random.Next(0, 65536), payload);
        }
    }

    private static byte[] Noise(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
