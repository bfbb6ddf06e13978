using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Nodectl.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// The certificate request comes from the device over serial, so from a possibly hostile peer: every cut of a good
/// request, random bytes, an empty and an oversized one are refused with a reason and never throw.
/// </summary>
public class DeviceCsrBadInputTests
{
    private const string DeviceId = "esp32-240ac4123456";

    private static byte[] GoodRequest()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=" + DeviceId, key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    [Fact]
    public void A_good_request_passes()
    {
        Assert.NotNull(DeviceCsr.Check(GoodRequest(), DeviceId, out string? problem));
        Assert.Null(problem);
    }

    [Fact]
    public void Every_truncation_of_a_good_request_is_refused_with_a_reason()
    {
        byte[] good = GoodRequest();
        for (int length = 0; length < good.Length; length++)
            AssertRefused(good[..length]);
    }

    [Fact]
    public void Random_bytes_and_a_request_with_bytes_after_it_are_refused_with_a_reason()
    {
        var random = new Random(20261202);
        for (int i = 0; i < 500; i++)
        {
            var junk = new byte[random.Next(1, 513)];
            random.NextBytes(junk);
            if (i % 2 == 0) junk[0] = 0x30; // a DER SEQUENCE, so the parser goes further in
            AssertRefused(junk);
        }
        AssertRefused([.. GoodRequest(), 0x00]);
    }

    [Fact]
    public void An_oversized_request_is_refused_before_it_is_parsed()
    {
        var problem = AssertRefused(new byte[513]);
        Assert.Contains("513 bytes", problem);
    }

    private static string AssertRefused(byte[] der)
    {
        Assert.Null(DeviceCsr.Check(der, DeviceId, out string? problem));
        Assert.False(string.IsNullOrEmpty(problem));
        return problem!;
    }
}
