using System.Security.Cryptography;
using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Core.Tests.Provisioning;

public class ProvisioningSessionTests
{
    private static byte[] Encoded(ProvisioningBundle? b = null) => BundleCodec.Encode(b ?? TestBundles.Bundle());

    [Fact]
    public void Hello_reports_identity_and_empty_state()
    {
        var rig = new DeviceRig();
        var hello = rig.Hello();
        Assert.Equal(1, hello.ProtocolVersion);
        Assert.Equal(TestBundles.Mac, hello.Mac);
        Assert.Equal(TestBundles.DeviceId, hello.DeviceId);
        Assert.Equal("1.4.2", hello.FirmwareVersion);
        Assert.False(hello.Provisioned);
        Assert.Equal(IdentityState.Empty, hello.State);
        Assert.Equal(DeviceRig.SectorSize - 16 - 2, hello.MaxBundleSize);
        Assert.Null(hello.CertificateSha256);
    }

    [Fact]
    public void Put_bundle_answers_the_sha256_of_the_bundle_and_commit_makes_it_the_identity()
    {
        var rig = new DeviceRig();
        byte[] bundle = Encoded();
        var stored = rig.Request(MessageType.PutBundle, bundle);
        Assert.Equal(MessageType.Stored, stored.Type);
        Assert.Equal(SHA256.HashData(bundle), stored.Payload);
        Assert.Equal(IdentityState.Stored, rig.Hello().State);

        Assert.Equal(MessageType.Committed, rig.Request(MessageType.Commit, stored.Payload).Type);
        var hello = rig.Hello();
        Assert.True(hello.Provisioned);
        Assert.Equal(SHA256.HashData(TestBundles.Bundle().DeviceCertificate), hello.CertificateSha256);

        rig.Reboot();
        Assert.True(rig.Hello().Provisioned);
        var loaded = rig.Store.LoadCommitted();
        Assert.NotNull(loaded);
        Assert.Equal(TestBundles.DeviceId, loaded.DeviceId);
        Assert.Equal("broker.factory.local", loaded.BrokerHost);
        Assert.Equal(TestBundles.PrivateKey(), loaded.DevicePrivateKey);
    }

    [Fact]
    public void Replies_never_contain_the_private_key_or_the_wifi_passphrase()
    {
        var rig = new DeviceRig();
        byte[] bundle = Encoded();
        rig.Provision(bundle);
        rig.Hello();
        rig.Request(MessageType.PutBundle, bundle); // refused: already provisioned
        rig.Request(MessageType.Commit, new byte[32]);
        byte[] all = rig.AllOutput.ToArray();
        Assert.False(TestBundles.ContainsSequence(all, TestBundles.PrivateKey()[8..40]));
        Assert.False(TestBundles.ContainsSequence(all, System.Text.Encoding.UTF8.GetBytes(TestBundles.WifiPassphrase)));
    }

    [Fact]
    public void Bundle_for_another_device_is_refused()
    {
        var rig = new DeviceRig();
        var reply = rig.Request(MessageType.PutBundle, Encoded(TestBundles.Bundle("esp32-240ac4999999")));
        var error = DeviceRig.AssertError(reply, ErrorCode.WrongDevice);
        Assert.Contains("esp32-240ac4999999", error.Message);
        Assert.Contains(TestBundles.DeviceId, error.Message);
        Assert.Equal(IdentityState.Empty, rig.Hello().State);
    }

    [Fact]
    public void Certificate_that_does_not_name_the_device_is_refused()
    {
        var rig = new DeviceRig();
        var b = TestBundles.Bundle();
        b.DeviceCertificate = TestBundles.FakeCertificate("esp32-000000000000");
        DeviceRig.AssertError(rig.Request(MessageType.PutBundle, Encoded(b)), ErrorCode.WrongDevice);
    }

    [Fact]
    public void Oversized_bundle_is_refused_and_nothing_is_written()
    {
        var rig = new DeviceRig();
        var b = TestBundles.Bundle();
        b.DeviceCertificate = TestBundles.FakeCertificate(TestBundles.DeviceId, 2048);
        b.CaCertificate = TestBundles.FakeCertificate("big", 1800);
        b.CaCertificate = TestBundles.FakeCertificate("big", 1800 + 4085 - Encoded(b).Length);
        byte[] bundle = Encoded(b); // fits a frame, not the two-sector store
        Assert.InRange(bundle.Length, rig.Store.MaxBundleSize + 1, ProvisioningProtocol.DefaultMaxPayload);
        long writes = rig.Flash.Writes;
        var error = DeviceRig.AssertError(rig.Request(MessageType.PutBundle, bundle), ErrorCode.PayloadTooLarge);
        Assert.Contains(bundle.Length.ToString(), error.Message);
        Assert.Equal(writes, rig.Flash.Writes);

        // Beyond the frame limit the decoder refuses it before the session sees it.
        var huge = rig.Request(MessageType.PutBundle, new byte[ProvisioningProtocol.DefaultMaxPayload + 1]);
        DeviceRig.AssertError(huge, ErrorCode.PayloadTooLarge);
    }

    [Theory]
    [InlineData(new byte[] { 0xA1 }, "malformed")]                 // map of one pair, truncated
    [InlineData(new byte[] { 0x9F, 0xFF }, "malformed")]           // indefinite array
    [InlineData(new byte[] { 0x01 }, "malformed")]                 // not a map
    [InlineData(new byte[] { 0xA1, 0x61, 0x7A, 0x00 }, "unknown key")]
    public void Malformed_bundle_is_refused_with_the_reason(byte[] payload, string expected)
    {
        var rig = new DeviceRig();
        var error = DeviceRig.AssertError(rig.Request(MessageType.PutBundle, payload), ErrorCode.BadBundle);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Every_truncation_of_a_bundle_is_refused_as_bad_bundle()
    {
        var rig = new DeviceRig();
        byte[] bundle = Encoded();
        for (int n = 0; n < bundle.Length; n += 7)
        {
            var reply = rig.Request(MessageType.PutBundle, bundle[..n]);
            DeviceRig.AssertError(reply, ErrorCode.BadBundle);
        }
        var trailing = bundle.Concat(new byte[] { 0x00 }).ToArray();
        Assert.Contains("trailing", DeviceRig.AssertError(rig.Request(MessageType.PutBundle, trailing), ErrorCode.BadBundle).Message);
        Assert.Equal(IdentityState.Empty, rig.Store.State);
    }

    [Fact]
    public void Field_checks_name_the_field()
    {
        var rig = new DeviceRig();
        void Expect(Action<ProvisioningBundle> spoil, ErrorCode code, string field)
        {
            var b = TestBundles.Bundle();
            spoil(b);
            Assert.Contains(field, DeviceRig.AssertError(rig.Request(MessageType.PutBundle, Encoded(b)), code).Message);
        }
        Expect(b => b.ReleasePublicKey = new byte[31], ErrorCode.BadBundle, "'rel'");
        Expect(b => b.BrokerPort = 0, ErrorCode.BadBundle, "'port'");
        Expect(b => b.BrokerHost = "bad host", ErrorCode.BadBundle, "'host'");
        Expect(b => b.WifiSsid = new string('s', 33), ErrorCode.BadBundle, "'ssid'");
        Expect(b => b.WifiPassphrase = "short", ErrorCode.BadBundle, "'psk'");
        Expect(b => b.DevicePrivateKey = new byte[] { 1, 2, 3 }, ErrorCode.BadBundle, "'key'");
        Expect(b => b.ConfigOverrides = TestBundles.Config(("sample_s", 0)), ErrorCode.InvalidConfig, "sample_s");
        Expect(b => b.ConfigOverrides = TestBundles.Config(("nope", 1)), ErrorCode.InvalidConfig, "nope");
    }

    [Fact]
    public void Open_network_and_raw_psk_are_accepted_and_no_config_is_fine()
    {
        foreach (var psk in new[] { "", new string('a', 64) })
        {
            var rig = new DeviceRig();
            var b = TestBundles.Bundle();
            b.WifiPassphrase = psk;
            b.ConfigOverrides = null;
            rig.Provision(Encoded(b));
            Assert.Null(rig.Store.LoadCommitted()!.ConfigOverrides);
        }
    }

    [Fact]
    public void Re_provisioning_is_refused_and_the_plain_token_does_not_erase_a_committed_identity()
    {
        var rig = new DeviceRig();
        rig.Provision(Encoded());
        var refused = DeviceRig.AssertError(rig.Request(MessageType.PutBundle, Encoded()), ErrorCode.AlreadyProvisioned);
        Assert.Contains("FACTORY_RESET signed", refused.Message);

        long writes = rig.Flash.Writes;
        DeviceRig.AssertError(rig.Request(MessageType.FactoryReset, System.Text.Encoding.UTF8.GetBytes("RESET " + TestBundles.DeviceId)), ErrorCode.BadRequest);
        DeviceRig.AssertError(rig.Request(MessageType.FactoryReset, Array.Empty<byte>()), ErrorCode.BadRequest);
        DeviceRig.AssertError(rig.Request(MessageType.FactoryReset, new byte[] { 0xFF, 0xFE }), ErrorCode.BadRequest);
        Assert.Equal(writes, rig.Flash.Writes);
        Assert.True(rig.Hello().Provisioned);
    }

    [Fact]
    public void The_token_erases_a_stored_uncommitted_bundle()
    {
        var rig = new DeviceRig();
        rig.Request(MessageType.PutBundle, Encoded());
        DeviceRig.AssertError(rig.Request(MessageType.FactoryReset, "RESET esp32-000000000000"u8.ToArray()), ErrorCode.BadToken);
        DeviceRig.AssertError(rig.Request(MessageType.FactoryReset, new byte[] { 0xFF, 0xFE }), ErrorCode.BadToken);
        Assert.Equal(IdentityState.Stored, rig.Hello().State);
        Assert.Equal(MessageType.ResetDone, rig.Request(MessageType.FactoryReset, System.Text.Encoding.UTF8.GetBytes("RESET " + TestBundles.DeviceId)).Type);
        Assert.Equal(IdentityState.Empty, rig.Hello().State);
        rig.Reboot();
        rig.Provision(Encoded());
        Assert.True(rig.Hello().Provisioned);
    }

    [Fact]
    public void Commit_checks_the_hash_and_needs_a_stored_bundle()
    {
        var rig = new DeviceRig();
        DeviceRig.AssertError(rig.Request(MessageType.Commit, new byte[32]), ErrorCode.NothingStored);
        var stored = rig.Request(MessageType.PutBundle, Encoded());
        DeviceRig.AssertError(rig.Request(MessageType.Commit, new byte[31]), ErrorCode.BadRequest);
        var wrong = (byte[])stored.Payload.Clone();
        wrong[0] ^= 1;
        DeviceRig.AssertError(rig.Request(MessageType.Commit, wrong), ErrorCode.HashMismatch);
        Assert.Equal(IdentityState.Stored, rig.Store.State);
        Assert.Equal(MessageType.Committed, rig.Request(MessageType.Commit, stored.Payload).Type);
        // Committing the same bundle again is harmless (a host that lost the reply retries with a new sequence).
        Assert.Equal(MessageType.Committed, rig.Request(MessageType.Commit, stored.Payload).Type);
    }

    [Fact]
    public void Uncommitted_bundle_can_be_replaced()
    {
        var rig = new DeviceRig();
        rig.Request(MessageType.PutBundle, Encoded());
        var b = TestBundles.Bundle();
        b.BrokerPort = 9999;
        rig.Provision(Encoded(b));
        Assert.Equal(9999, rig.Store.LoadCommitted()!.BrokerPort);
    }

    [Fact]
    public void A_repeated_request_gets_the_same_reply_without_being_carried_out_again()
    {
        var rig = new DeviceRig();
        byte[] bundle = Encoded();
        var first = rig.Request(MessageType.PutBundle, bundle, sequence: 40);
        long writes = rig.Flash.Writes;
        var again = rig.Request(MessageType.PutBundle, bundle, sequence: 40);
        Assert.Equal(first.Payload, again.Payload);
        Assert.Equal(40, again.Sequence);
        Assert.Equal(writes, rig.Flash.Writes);
    }

    [Fact]
    public void Damaged_request_gets_an_error_with_its_sequence_and_noise_gets_nothing()
    {
        var rig = new DeviceRig();
        byte[] frame = FrameEncoder.Encode(MessageType.Hello, 77, new byte[] { 1 });
        frame[^1] ^= 0x10;
        var replies = rig.Exchange(frame);
        var reply = Assert.Single(replies);
        Assert.Equal(77, reply.Sequence);
        DeviceRig.AssertError(reply, ErrorCode.BadFrame);

        Assert.Empty(rig.Exchange(System.Text.Encoding.ASCII.GetBytes("ets Jun  8 2016 00:22:57\r\nrst:0x1 NFP garbage\r\n")));
        Assert.Equal(MessageType.HelloReply, rig.Request(MessageType.Hello).Type);
    }

    [Fact]
    public void Unknown_type_and_other_version_get_errors()
    {
        var rig = new DeviceRig();
        DeviceRig.AssertError(rig.Request(MessageType.Stored, new byte[32]), ErrorCode.UnknownMessage);
        DeviceRig.AssertError(rig.Request((MessageType)0x42), ErrorCode.UnknownMessage);
        var v9 = rig.Exchange(FrameEncoder.Encode(9, MessageType.Hello, 5, Array.Empty<byte>()));
        var e = DeviceRig.AssertError(Assert.Single(v9), ErrorCode.UnsupportedVersion);
        Assert.Contains("9", e.Message);
    }

    [Fact]
    public void Reboot_is_acknowledged_and_flagged()
    {
        var rig = new DeviceRig();
        Assert.False(rig.Session.RebootRequested);
        Assert.Equal(MessageType.Rebooting, rig.Request(MessageType.Reboot).Type);
        Assert.True(rig.Session.RebootRequested);
    }

    [Fact]
    public void Several_requests_in_one_chunk_get_replies_in_order()
    {
        var rig = new DeviceRig();
        byte[] chunk = FrameEncoder.Encode(MessageType.Hello, 1, null)
            .Concat(FrameEncoder.Encode(MessageType.PutBundle, 2, Encoded()))
            .Concat(FrameEncoder.Encode(MessageType.Hello, 3, null)).ToArray();
        var replies = rig.Exchange(chunk);
        Assert.Equal(new[] { 1, 2, 3 }, replies.Select(r => r.Sequence));
        Assert.Equal(new[] { MessageType.HelloReply, MessageType.Stored, MessageType.HelloReply }, replies.Select(r => r.Type));
    }

    [Fact]
    public void Random_bytes_never_crash_the_session()
    {
        var rig = new DeviceRig();
        var random = new Random(5);
        for (int i = 0; i < 300; i++)
        {
            var noise = new byte[random.Next(0, 400)];
            random.NextBytes(noise);
            if (i % 3 == 0) noise = FrameEncoder.Encode((MessageType)random.Next(256), random.Next(65536), noise);
            rig.Exchange(noise);
        }
        Assert.Equal(MessageType.HelloReply, rig.Request(MessageType.Hello).Type);
    }
}

public class ProvisioningSessionStallTests
{
    [Fact]
    public void A_host_that_stalls_mid_frame_is_forgotten_after_reset_input()
    {
        var rig = new DeviceRig();
        byte[] put = FrameEncoder.Encode(MessageType.PutBundle, 1, BundleCodec.Encode(TestBundles.Bundle()));
        Assert.Empty(rig.Exchange(put[..200]));
        rig.Session.ResetInput();
        Assert.Equal(MessageType.HelloReply, rig.Request(MessageType.Hello).Type);
        Assert.Equal(IdentityState.Empty, rig.Store.State);
    }
}
