using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Crypto;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// Checks a signed manifest before anything acts on it: the Ed25519 signature by the provisioned release
    /// key, then the decoded manifest's board list and minimum Loader version. Version policy (newer only,
    /// unless the campaign allows a downgrade) is the OTA client's, not this class's.
    /// </summary>
    public class ManifestVerifier
    {
        private readonly byte[] _publicKey;
        private readonly byte[] _keyId;
        private readonly string _board;
        private readonly int _loaderVersion;

        public ManifestVerifier(byte[] releasePublicKey, string board, int loaderVersion)
        {
            if (releasePublicKey == null || releasePublicKey.Length != Ed25519.PublicKeySize)
                throw new System.ArgumentException("release public key must be 32 bytes");
            _publicKey = releasePublicKey;
            _keyId = ReleaseKey.KeyId(releasePublicKey);
            _board = board;
            _loaderVersion = loaderVersion;
        }

        public byte[] KeyId { get { return _keyId; } }

        /// <summary>The manifest, or null with <paramref name="reason"/> ("code: detail", see <see cref="OtaFailure"/>).</summary>
        public FirmwareManifest Verify(byte[] manifest, int offset, int count, byte[] signature, out string reason)
        {
            if (signature == null || signature.Length != Ed25519.SignatureSize)
            {
                reason = OtaFailure.Format(OtaFailure.BadSignature, "signature must be 64 bytes");
                return null;
            }
            if (count > ManifestCodec.MaxEncodedSize)
            {
                reason = OtaFailure.Format(OtaFailure.BadManifest, "larger than " + ManifestCodec.MaxEncodedSize + " bytes");
                return null;
            }
            if (!Ed25519.Verify(_publicKey, manifest, offset, count, signature))
            {
                reason = OtaFailure.Format(OtaFailure.BadSignature, "manifest signature does not verify with release key " + ReleaseKey.ToHex(_keyId));
                try
                {
                    // An honest signature by another key is worth telling apart from a corrupted one.
                    byte[] kid = ManifestCodec.Decode(manifest, offset, count).KeyId;
                    if (!ReleaseKey.SameBytes(kid, _keyId)) reason = OtaFailure.Format(OtaFailure.UnknownKey, "signed by key " + ReleaseKey.ToHex(kid) + ", device trusts " + ReleaseKey.ToHex(_keyId));
                }
                catch (CborException)
                {
                }
                return null;
            }
            FirmwareManifest m;
            try
            {
                m = ManifestCodec.Decode(manifest, offset, count);
            }
            catch (CborException e)
            {
                reason = OtaFailure.Format(OtaFailure.BadManifest, e.Message);
                return null;
            }
            if (!ReleaseKey.SameBytes(m.KeyId, _keyId))
            {
                reason = OtaFailure.Format(OtaFailure.UnknownKey, "manifest names key " + ReleaseKey.ToHex(m.KeyId));
                return null;
            }
            if (!m.SupportsBoard(_board))
            {
                reason = OtaFailure.Format(OtaFailure.BoardMismatch, "image is not for board '" + _board + "'");
                return null;
            }
            if (m.MinLoaderVersion > _loaderVersion)
            {
                reason = OtaFailure.Format(OtaFailure.LoaderTooOld, "image needs Loader " + m.MinLoaderVersion + ", this one is " + _loaderVersion);
                return null;
            }
            reason = null;
            return m;
        }
    }
}
