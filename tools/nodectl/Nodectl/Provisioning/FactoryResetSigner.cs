using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.Nodectl.Firmware;
using NSec.Cryptography;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// Signs the FACTORY_RESET that erases a provisioned board's identity (docs/formats/provisioning.md, "Signed factory
/// reset"): the release key's Ed25519 signature over this boot's challenge from the board's HELLO. Every payload is
/// checked with the device's own verifier before it is sent.
/// </summary>
public sealed class FactoryResetSigner : IDisposable
{
    private readonly Key _key;

    public FactoryResetSigner(Key key, byte[] publicKey)
    {
        _key = key;
        PublicKey = publicKey;
        KeyId = ReleaseKey.KeyId(publicKey);
    }

    public byte[] PublicKey { get; }
    public byte[] KeyId { get; }

    /// <summary>Decrypts the release key file from <c>nodectl firmware keygen</c>.</summary>
    public static FactoryResetSigner Load(string keyPath, string passphrase)
    {
        var key = ReleaseKeyStore.Load(keyPath, passphrase, out byte[] publicKey);
        return new FactoryResetSigner(key, publicKey);
    }

    public byte[] Sign(string deviceId, byte[] challenge)
    {
        byte[] message = FactoryResetAuthorization.SignedMessage(deviceId, challenge);
        byte[] payload = FactoryResetAuthorization.EncodePayload(deviceId, challenge, SignatureAlgorithm.Ed25519.Sign(_key, message));
        try
        {
            FactoryResetAuthorization.Check(payload, deviceId, challenge, PublicKey);
        }
        catch (ProvisioningException e)
        {
            throw new InvalidOperationException("internal error: the device-side verifier rejects the signed reset: " + e.Message, e);
        }
        return payload;
    }

    public void Dispose() => _key.Dispose();
}
