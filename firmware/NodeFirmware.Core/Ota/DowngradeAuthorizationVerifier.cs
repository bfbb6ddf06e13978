using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Crypto;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// The device's check of a downgrade authorization carried by an offer: the release key's signature over
    /// the domain-separated bytes, then that it names this key, this package (version and manifest digest),
    /// this device, a counter above the highest one used, and has not expired.
    /// </summary>
    public class DowngradeAuthorizationVerifier
    {
        private readonly byte[] _publicKey;
        private readonly byte[] _keyId;
        private readonly string _deviceId;

        public DowngradeAuthorizationVerifier(byte[] releasePublicKey, string deviceId)
        {
            if (releasePublicKey == null || releasePublicKey.Length != Ed25519.PublicKeySize)
                throw new System.ArgumentException("release public key must be 32 bytes");
            _publicKey = releasePublicKey;
            _keyId = ReleaseKey.KeyId(releasePublicKey);
            _deviceId = deviceId;
        }

        /// <summary>
        /// The authorization, or null with <paramref name="reason"/> ("bad-authorization: detail").
        /// <paramref name="lastCounter"/> is the highest counter this device has used; <paramref name="nowUnix"/>
        /// counts only when <paramref name="timeValid"/>, and an authorization that expires needs a valid clock.
        /// </summary>
        public DowngradeAuthorization Verify(byte[] encoded, byte[] signature, byte[] manifestDigest, FirmwareVersion offered,
            FirmwareVersion running, long lastCounter, long nowUnix, bool timeValid, out string reason)
        {
            if (encoded == null || signature == null || signature.Length != Ed25519.SignatureSize || encoded.Length > DowngradeAuthorizationCodec.MaxEncodedSize)
                return Refuse("missing, oversized, or a signature that is not 64 bytes", out reason);
            if (!Ed25519.Verify(_publicKey, DowngradeAuthorizationCodec.SignedBytes(encoded), signature))
                return Refuse("signature does not verify with release key " + ReleaseKey.ToHex(_keyId), out reason);
            DowngradeAuthorization a;
            try
            {
                a = DowngradeAuthorizationCodec.Decode(encoded);
            }
            catch (CborException e)
            {
                return Refuse(e.Message, out reason);
            }
            if (!ReleaseKey.SameBytes(a.KeyId, _keyId)) return Refuse("names key " + ReleaseKey.ToHex(a.KeyId), out reason);
            if (!ReleaseKey.SameBytes(a.ManifestSha256, manifestDigest) || a.TargetVersion.CompareTo(offered) != 0)
                return Refuse("issued for another package (" + a.TargetVersion + ", manifest " + ReleaseKey.ToHex(a.ManifestSha256) + ")", out reason);
            if (!a.Covers(_deviceId, running)) return Refuse("does not name this device (" + _deviceId + " running " + running + ")", out reason);
            if (a.Counter <= lastCounter)
                return Refuse("counter " + a.Counter + " already used or older than the last used " + lastCounter, out reason);
            if (a.ExpiresUnixTime != 0)
            {
                if (!timeValid) return Refuse("it expires and the device's clock is not set", out reason);
                if (nowUnix > a.ExpiresUnixTime) return Refuse("expired at " + a.ExpiresUnixTime + " (now " + nowUnix + ")", out reason);
            }
            reason = null;
            return a;
        }

        private static DowngradeAuthorization Refuse(string detail, out string reason)
        {
            reason = OtaFailure.Format(OtaFailure.BadAuthorization, detail);
            return null;
        }
    }
}
