using NodeFirmware.Core.Ota;

namespace NodeFirmware.Core.Tests.Ota;

public class ManifestVerifierTests : IDisposable
{
    private readonly TestRelease _release = new();

    public void Dispose() => _release.Dispose();

    private ManifestVerifier Verifier(string board = TestRelease.Board, int loader = 1) => new(_release.PublicKey, board, loader);

    [Fact]
    public void A_good_manifest_verifies()
    {
        var image = _release.MakeImage("1.2.3", new[] { 10 }, seed: 1);
        var m = Verifier().Verify(image.Manifest, 0, image.Manifest.Length, image.Signature, out var reason);
        Assert.Null(reason);
        Assert.Equal("1.2.3", m!.Version.ToString());
    }

    [Fact]
    public void Every_single_bit_flip_of_the_manifest_is_refused()
    {
        var image = _release.MakeImage("1.2.3", new[] { 10 }, seed: 1);
        var verifier = Verifier();
        for (int bit = 0; bit < image.Manifest.Length * 8; bit += 3)
        {
            var bytes = image.Manifest.ToArray();
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Null(verifier.Verify(bytes, 0, bytes.Length, image.Signature, out var reason));
            Assert.True(reason!.StartsWith(OtaFailure.BadSignature) || reason.StartsWith(OtaFailure.UnknownKey), reason);
        }
    }

    [Fact]
    public void Board_and_loader_checks_name_the_problem()
    {
        var image = _release.MakeImage("1.2.3", new[] { 10 }, seed: 1, minLoader: 3);
        Assert.Null(Verifier(board: "other-board", loader: 5).Verify(image.Manifest, 0, image.Manifest.Length, image.Signature, out var r1));
        Assert.StartsWith(OtaFailure.BoardMismatch, r1);
        Assert.Contains("other-board", r1);
        Assert.Null(Verifier(loader: 2).Verify(image.Manifest, 0, image.Manifest.Length, image.Signature, out var r2));
        Assert.StartsWith(OtaFailure.LoaderTooOld, r2);
        Assert.NotNull(Verifier(loader: 3).Verify(image.Manifest, 0, image.Manifest.Length, image.Signature, out _));
    }

    [Fact]
    public void A_manifest_naming_another_key_id_is_refused_even_when_the_signature_is_good()
    {
        var image = _release.MakeImage("1.2.3", new[] { 10 }, seed: 1, keyId: new byte[8]);
        Assert.Null(Verifier().Verify(image.Manifest, 0, image.Manifest.Length, image.Signature, out var reason));
        Assert.StartsWith(OtaFailure.UnknownKey, reason);
    }

    [Fact]
    public void The_key_id_is_the_first_8_bytes_of_the_public_keys_SHA256()
    {
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(_release.PublicKey)[..8], ReleaseKey.KeyId(_release.PublicKey));
    }
}
