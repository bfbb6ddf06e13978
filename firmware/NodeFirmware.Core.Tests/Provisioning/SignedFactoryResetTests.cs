using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Provisioning;
using NSec.Cryptography;

namespace NodeFirmware.Core.Tests.Provisioning;

/// <summary>
/// A committed identity is erased only by a FACTORY_RESET signed with its release key over this boot's challenge
/// (signed with NSec here, verified by Core on the device side); every refusal leaves the flash untouched.
/// </summary>
public class SignedFactoryResetTests
{
    private static readonly SignatureAlgorithm Ed = SignatureAlgorithm.Ed25519;

    private sealed class Provisioned : IDisposable
    {
        public readonly Key Release = Key.Create(Ed);
        public readonly DeviceRig Rig = new();

        public Provisioned()
        {
            var bundle = TestBundles.Bundle();
            bundle.ReleasePublicKey = ReleasePublicKey;
            Rig.Provision(BundleCodec.Encode(bundle));
            Rig.Reboot(); // the identity was committed at an earlier boot
        }

        public byte[] ReleasePublicKey => Release.PublicKey.Export(KeyBlobFormat.RawPublicKey);

        public byte[] Signed(Key? key = null, string? deviceId = null, byte[]? nonce = null)
        {
            string id = deviceId ?? TestBundles.DeviceId;
            byte[] n = nonce ?? Rig.Challenge;
            return FactoryResetAuthorization.EncodePayload(id, n, Ed.Sign(key ?? Release, FactoryResetAuthorization.SignedMessage(id, n)));
        }

        public void Dispose() => Release.Dispose();
    }

    [Fact]
    public void Hello_of_a_provisioned_device_carries_this_boots_challenge_and_the_release_key_id()
    {
        using var p = new Provisioned();
        var hello = p.Rig.Hello();
        Assert.Equal(IdentityState.Committed, hello.State);
        Assert.Equal(p.Rig.Challenge, hello.Challenge);
        Assert.Equal(ReleaseKey.KeyId(p.ReleasePublicKey), hello.ReleaseKeyId);
        byte[] first = p.Rig.Challenge;
        p.Rig.Reboot();
        Assert.NotEqual(first, p.Rig.Hello().Challenge);

        var empty = new DeviceRig().Hello();
        Assert.Null(empty.Challenge);
        Assert.Null(empty.ReleaseKeyId);
    }

    [Fact]
    public void A_valid_signed_reset_erases_both_copies_and_the_normal_flow_follows()
    {
        using var p = new Provisioned();
        Assert.Equal(MessageType.ResetDone, p.Rig.Request(MessageType.FactoryReset, p.Signed()).Type);
        Assert.True(p.Rig.Session.ResetPerformed);
        Assert.Equal(IdentityState.Empty, p.Rig.Hello().State);
        var image = new byte[p.Rig.Flash.Size];
        p.Rig.Flash.Read(0, image, 0, image.Length);
        Assert.False(TestBundles.ContainsSequence(image, TestBundles.PrivateKey()[8..40]));

        p.Rig.Provision(BundleCodec.Encode(TestBundles.Bundle()));
        Assert.True(p.Rig.Hello().Provisioned);
    }

    [Fact]
    public void Wrong_key_device_challenge_or_shape_is_refused_with_its_reason_and_nothing_is_written()
    {
        using var p = new Provisioned();
        using var other = Key.Create(Ed);
        byte[] stale = new byte[16];
        long writes = p.Rig.Flash.Writes;

        Assert.Contains("does not verify with release key", DeviceRig.AssertError(p.Rig.Request(MessageType.FactoryReset, p.Signed(key: other)), ErrorCode.BadSignature).Message);
        Assert.Contains("signed for esp32-aabbccddeeff", DeviceRig.AssertError(
            p.Rig.Request(MessageType.FactoryReset, p.Signed(deviceId: "esp32-aabbccddeeff")), ErrorCode.WrongDevice).Message);
        Assert.Contains("another challenge", DeviceRig.AssertError(p.Rig.Request(MessageType.FactoryReset, p.Signed(nonce: stale)), ErrorCode.StaleChallenge).Message);
        byte[] flipped = p.Signed();
        flipped[^1] ^= 0x01;
        DeviceRig.AssertError(p.Rig.Request(MessageType.FactoryReset, flipped), ErrorCode.BadSignature);
        DeviceRig.AssertError(p.Rig.Request(MessageType.FactoryReset, p.Signed()[..40]), ErrorCode.BadRequest);
        DeviceRig.AssertError(p.Rig.Request(MessageType.FactoryReset, new byte[FactoryResetAuthorization.MaxPayloadSize + 1]), ErrorCode.BadRequest);

        Assert.Equal(writes, p.Rig.Flash.Writes);
        Assert.True(p.Rig.Hello().Provisioned);
        Assert.False(p.Rig.Session.ResetPerformed);
    }

    [Fact]
    public void A_signature_from_an_earlier_boot_is_refused_after_a_reboot()
    {
        using var p = new Provisioned();
        byte[] captured = p.Signed();
        p.Rig.Reboot();
        DeviceRig.AssertError(p.Rig.Request(MessageType.FactoryReset, captured), ErrorCode.StaleChallenge);
        Assert.True(p.Rig.Hello().Provisioned);
    }

    [Fact]
    public void The_challenge_is_used_up_so_the_same_signature_cannot_erase_the_next_identity()
    {
        using var p = new Provisioned();
        byte[] signed = p.Signed();
        Assert.Equal(MessageType.ResetDone, p.Rig.Request(MessageType.FactoryReset, signed).Type);
        var bundle = TestBundles.Bundle();
        bundle.ReleasePublicKey = p.ReleasePublicKey;
        p.Rig.Provision(BundleCodec.Encode(bundle));
        var hello = p.Rig.Hello();
        Assert.True(hello.Provisioned);
        Assert.Null(hello.Challenge);
        Assert.Contains("used up", DeviceRig.AssertError(p.Rig.Request(MessageType.FactoryReset, signed), ErrorCode.StaleChallenge).Message);
        Assert.True(p.Rig.Hello().Provisioned);
    }

    [Fact]
    public void Put_bundle_and_commit_are_refused_on_a_device_provisioned_at_an_earlier_boot()
    {
        using var p = new Provisioned();
        byte[] hash = Core.Crypto.Sha256.Hash(p.Rig.Store.BundleBytes);
        long writes = p.Rig.Flash.Writes;
        DeviceRig.AssertError(p.Rig.Request(MessageType.PutBundle, BundleCodec.Encode(TestBundles.Bundle())), ErrorCode.AlreadyProvisioned);
        DeviceRig.AssertError(p.Rig.Request(MessageType.Commit, hash), ErrorCode.AlreadyProvisioned);
        Assert.Equal(writes, p.Rig.Flash.Writes);
    }

    [Fact]
    public void A_session_without_a_challenge_cannot_erase_a_committed_identity()
    {
        using var p = new Provisioned();
        var session = new ProvisioningSession(p.Rig.Store, TestBundles.Mac, "1.4.2");
        byte[] request = FrameEncoder.Encode(MessageType.FactoryReset, 9, p.Signed());
        session.Receive(request, 0, request.Length);
        var decoder = new FrameDecoder();
        byte[] output = session.TakeOutput();
        decoder.Feed(output, 0, output.Length);
        var reply = decoder.Next()!.Frame;
        DeviceRig.AssertError(reply, ErrorCode.StaleChallenge);
        Assert.Equal(IdentityState.Committed, p.Rig.Store.State);
    }
}
