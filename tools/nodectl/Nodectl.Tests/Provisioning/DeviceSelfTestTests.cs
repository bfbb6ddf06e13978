using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.Nodectl.Provisioning;
using NodeSim.Hardware;
using NodeSim.Provisioning;
using NodeSim.Sensors;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// SELF_TEST through the provisioning client, against Core's session on a virtual node with a register-level BME280 (or
/// none) on its I2C bus and simulated flash for scratch; and the client's reading of the result against bad input from
/// the serial peer: every truncation, random bytes, trailing bytes, oversized and inconsistent results.
/// </summary>
public class DeviceSelfTestTests
{
    /// <summary>A virtual node in provisioning mode whose self-test reads a part with <paramref name="chipId"/> (none when null).</summary>
    private static VirtualProvisioningNode Node(int index, int? chipId) => Node(index, chipId, new SimulatedNorFlash(4096, 4096, 1));

    private static VirtualProvisioningNode Node(int index, int? chipId, SimulatedNorFlash scratch)
    {
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(index));
        var bus = new SimulatedI2cBus();
        if (chipId is int id) bus.Attach(0x76, new SimulatedBme280(() => 0, chipId: (byte)id));
        node.EnableSelfTest(new Bme280ChipIdProbe(bus, 0x76), scratch);
        return node;
    }

    private static byte[] ValidPayload()
    {
        byte[]? payload = null;
        var (client, _) = ProvisioningRig.Connect(Node(600, 0x60), FrameTamper.Rewrite(f =>
        {
            if (f.Type == MessageType.SelfTestResult) payload = f.Payload;
            return FrameTamper.Same(f);
        }));
        client.SelfTest();
        return payload!;
    }

    [Fact]
    public void A_board_with_its_BME280_but_no_identity_fails_only_the_identity_check_and_the_scratch_sector_is_left_erased()
    {
        var scratch = new SimulatedNorFlash(4096, 4096, 1);
        scratch.Program(0, new byte[16], 0, 16); // whatever the sector held before is not the test's business
        var (client, _) = ProvisioningRig.Connect(Node(601, 0x60, scratch));
        var result = client.SelfTest();

        Assert.False(result.Pass);
        Assert.Equal(["sensor", "storage", "identity"], result.Checks.Select(c => c.Name));
        Assert.Equal([true, true, false], result.Checks.Select(c => c.Ok));
        Assert.Equal("BME280, chip id 0x60", result.Checks[0].Detail);
        Assert.Equal("no committed identity (empty)", result.Checks[2].Detail);
        Assert.Equal("identity: no committed identity (empty)", result.Failures());
        var after = new byte[4096];
        scratch.Read(0, after, 0, after.Length);
        Assert.All(after, b => Assert.Equal(0xFF, b));
    }

    [Fact]
    public void A_missing_sensor_and_a_BMP280_are_told_apart()
    {
        var (missing, _) = ProvisioningRig.Connect(Node(602, null));
        Assert.Equal("no sensor answers: no acknowledge at I2C address 0x76", missing.SelfTest().Checks[0].Detail);
        var (bmp, _) = ProvisioningRig.Connect(Node(603, 0x58));
        Assert.Contains("chip id 0x58, expected 0x60 (BME280)", bmp.SelfTest().Checks[0].Detail);
    }

    [Fact]
    public void Firmware_without_a_self_test_is_refused_with_its_code()
    {
        var (client, _) = ProvisioningRig.Connect(new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(604)));
        var e = Assert.Throws<DeviceRefusedException>(() => client.SelfTest());
        Assert.Equal(ErrorCode.SelfTestUnavailable, e.Code);
        var run = Assert.Throws<ProvisioningLinkException>(() => BoardSelfTest.Run(client, null));
        Assert.Contains("which has no self-test", run.Message);
        Assert.Contains("flash a firmware that has one", run.Message);
    }

    [Fact]
    public void Every_truncation_of_a_valid_result_is_refused()
    {
        byte[] valid = ValidPayload();
        Assert.True(DeviceSelfTest.Decode(valid).Checks.Count == 3);
        for (int n = 0; n < valid.Length; n++) Assert.Throws<CborException>(() => DeviceSelfTest.Decode(valid[..n]));
    }

    [Fact]
    public void Trailing_bytes_random_bytes_and_a_malformed_reply_on_the_wire_are_refused_without_anything_else_thrown()
    {
        byte[] valid = ValidPayload();
        Assert.Throws<CborException>(() => DeviceSelfTest.Decode([.. valid, 0x00]));
        var random = new Random(16);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 0) bytes[0] = 0xA2; // a map, so the reader gets further in
            try
            {
                DeviceSelfTest.Decode(bytes);
            }
            catch (CborException)
            {
            }
        }

        var (client, _) = ProvisioningRig.Connect(Node(605, 0x60), FrameTamper.Rewrite(f =>
            f.Type == MessageType.SelfTestResult ? FrameEncoder.Encode(f.Type, f.Sequence, valid[..^4]) : FrameTamper.Same(f)));
        var e = Assert.Throws<ProvisioningLinkException>(() => client.SelfTest());
        Assert.StartsWith("the device's self-test result is malformed", e.Message);
    }

    [Fact]
    public void Oversized_inconsistent_and_incomplete_results_are_refused()
    {
        static byte[] Result(bool pass, int checks, int detailLength = 10, bool okAll = true, string? name = null, bool withDetail = true)
        {
            var w = new CborWriter(64 * 1024);
            w.WriteStartMap(2);
            w.WriteText("pass"); w.WriteBoolean(pass);
            w.WriteText("checks"); w.WriteStartArray(checks);
            for (int i = 0; i < checks; i++)
            {
                w.WriteStartMap(withDetail ? 3 : 2);
                w.WriteText("name"); w.WriteText(name ?? "check" + i);
                w.WriteText("ok"); w.WriteBoolean(okAll);
                if (withDetail) { w.WriteText("detail"); w.WriteText(new string('d', detailLength)); }
            }
            return w.ToArray();
        }

        Assert.True(DeviceSelfTest.Decode(Result(true, DeviceSelfTest.MaxChecks, DeviceSelfTest.MaxDetailLength)).Pass);
        Assert.Contains("at most 16", Assert.Throws<CborException>(() => DeviceSelfTest.Decode(Result(true, DeviceSelfTest.MaxChecks + 1))).Message);
        Assert.Contains("at most 256", Assert.Throws<CborException>(() => DeviceSelfTest.Decode(Result(true, 1, DeviceSelfTest.MaxDetailLength + 1))).Message);
        Assert.Contains("checks say otherwise", Assert.Throws<CborException>(() => DeviceSelfTest.Decode(Result(true, 2, okAll: false))).Message);
        Assert.Contains("checks say otherwise", Assert.Throws<CborException>(() => DeviceSelfTest.Decode(Result(false, 2))).Message);
        Assert.Contains("no checks", Assert.Throws<CborException>(() => DeviceSelfTest.Decode(Result(true, 0))).Message);
        Assert.Contains("twice", Assert.Throws<CborException>(() => DeviceSelfTest.Decode(Result(true, 2, name: "sensor"))).Message);
        Assert.Contains("missing", Assert.Throws<CborException>(() => DeviceSelfTest.Decode(Result(true, 1, withDetail: false))).Message);
        Assert.Contains("printable", Assert.Throws<CborException>(() => DeviceSelfTest.Decode(Result(true, 1, name: "sen\u001bsor"))).Message);
    }
}
