using NodeFirmware.Core.Provisioning;
using NodeFirmware.Core.Tests.Support;

namespace NodeFirmware.Core.Tests.Provisioning;

/// <summary>A device session on simulated NOR flash and a minimal host that sends one request and reads one reply.</summary>
internal sealed class DeviceRig
{
    public const int SectorSize = 4096;
    public const int FirstSector = 2;

    private int _sequence;

    public DeviceRig(NorFlash? flash = null, byte[]? mac = null)
    {
        Flash = flash ?? new NorFlash(8 * SectorSize, SectorSize);
        Mac = mac ?? TestBundles.Mac;
        Reboot();
    }

    public NorFlash Flash { get; }
    public byte[] Mac { get; }
    public IdentityStore Store { get; private set; } = null!;
    public ProvisioningSession Session { get; private set; } = null!;

    /// <summary>Every byte the device ever sent.</summary>
    public List<byte> AllOutput { get; } = new();

    /// <summary>This boot's challenge for a signed FACTORY_RESET.</summary>
    public byte[] Challenge { get; private set; } = null!;

    /// <summary>A fresh store and session over the same flash, as after a power cycle, with a fresh random challenge.</summary>
    public void Reboot()
    {
        Store = new IdentityStore(Flash, FirstSector);
        Challenge = System.Security.Cryptography.RandomNumberGenerator.GetBytes(FactoryResetAuthorization.NonceSize);
        Session = new ProvisioningSession(Store, Mac, "1.4.2", ProvisioningProtocol.DefaultMaxPayload, Challenge);
    }

    public Frame Request(MessageType type, byte[]? payload = null, int? sequence = null)
    {
        int seq = sequence ?? ++_sequence;
        return Exchange(FrameEncoder.Encode(type, seq, payload ?? Array.Empty<byte>())).Single();
    }

    public List<Frame> Exchange(byte[] bytes)
    {
        Session.Receive(bytes, 0, bytes.Length);
        var output = Session.TakeOutput();
        AllOutput.AddRange(output);
        var decoder = new FrameDecoder(ProvisioningProtocol.AbsoluteMaxPayload);
        decoder.Feed(output, 0, output.Length);
        var frames = new List<Frame>();
        FrameDecodeResult? r;
        while ((r = decoder.Next()) != null)
        {
            Assert.True(r.IsFrame, "the device sent a broken frame: " + r.Message);
            frames.Add(r.Frame);
        }
        return frames;
    }

    public DeviceHello Hello()
    {
        var reply = Request(MessageType.Hello);
        Assert.Equal(MessageType.HelloReply, reply.Type);
        return DeviceHello.Decode(reply.Payload);
    }

    public static ErrorReply AssertError(Frame reply, ErrorCode code)
    {
        Assert.Equal(MessageType.Error, reply.Type);
        var error = ErrorReply.Decode(reply.Payload);
        Assert.True(code == error.Code, $"expected {code}, got {error.Code}: {error.Message}");
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        return error;
    }

    /// <summary>PUT_BUNDLE then COMMIT with the hash the device returned.</summary>
    public byte[] Provision(byte[] bundle)
    {
        var stored = Request(MessageType.PutBundle, bundle);
        Assert.Equal(MessageType.Stored, stored.Type);
        var committed = Request(MessageType.Commit, stored.Payload);
        Assert.Equal(MessageType.Committed, committed.Type);
        return stored.Payload;
    }
}
