using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// The signed FACTORY_RESET that erases a committed identity (docs/formats/provisioning.md, "Signed factory
    /// reset"). The device's HELLO carries a fresh random challenge each boot; the release key holder signs
    /// <see cref="SignedMessage"/> over the device id and that challenge with Ed25519, and the payload is CBOR
    /// { "id": text, "nonce": 16 bytes, "sig": 64 bytes }. The release public key the device checks with is the one
    /// in its committed bundle, so the trust root is the one that already signs its firmware.
    /// </summary>
    public static class FactoryResetAuthorization
    {
        public const int NonceSize = 16;

        /// <summary>Domain separation: no manifest, downgrade authorization or other signed text starts like this.</summary>
        public const string Domain = "nodefirmware factory-reset v1";

        /// <summary>Largest signed FACTORY_RESET payload accepted (a real one is about 110 bytes).</summary>
        public const int MaxPayloadSize = 192;

        /// <summary>Longest device id the payload may name.</summary>
        public const int MaxDeviceIdLength = 64;

        /// <summary>UTF-8 <see cref="Domain"/>, a 0x00, the id's length as one byte, the id (UTF-8), the 16-byte nonce.</summary>
        public static byte[] SignedMessage(string deviceId, byte[] nonce)
        {
            if (deviceId == null || nonce == null || nonce.Length != NonceSize) throw new System.ArgumentException("a device id and a 16-byte nonce");
            byte[] domain = Utf8.GetBytes(Domain);
            byte[] id = Utf8.GetBytes(deviceId);
            if (id.Length > MaxDeviceIdLength) throw new System.ArgumentException("device id over " + MaxDeviceIdLength + " bytes");
            var message = new byte[domain.Length + 2 + id.Length + NonceSize];
            System.Array.Copy(domain, 0, message, 0, domain.Length);
            int at = domain.Length;
            message[at++] = 0;
            message[at++] = (byte)id.Length;
            System.Array.Copy(id, 0, message, at, id.Length);
            System.Array.Copy(nonce, 0, message, at + id.Length, NonceSize);
            return message;
        }

        public static byte[] EncodePayload(string deviceId, byte[] nonce, byte[] signature)
        {
            var w = new CborWriter(128);
            w.WriteStartMap(3);
            w.WriteText("id"); w.WriteText(deviceId);
            w.WriteText("nonce"); w.WriteBytes(nonce);
            w.WriteText("sig"); w.WriteBytes(signature);
            return w.ToArray();
        }

        /// <summary>
        /// Returns when <paramref name="payload"/> is a reset of <paramref name="deviceId"/> for this boot's
        /// <paramref name="challenge"/> signed by <paramref name="releasePublicKey"/>; otherwise throws
        /// <see cref="ProvisioningException"/> saying which check failed (malformed, other device, other challenge, signature).
        /// </summary>
        public static void Check(byte[] payload, string deviceId, byte[] challenge, byte[] releasePublicKey)
        {
            if (payload.Length > MaxPayloadSize)
                throw new ProvisioningException(ErrorCode.BadRequest, "a signed FACTORY_RESET has at most " + MaxPayloadSize + " bytes, this one " + payload.Length);
            string id = null;
            byte[] nonce = null;
            byte[] signature = null;
            try
            {
                var r = new CborReader(payload);
                int pairs = r.ReadStartMap();
                if (pairs != 3) throw new CborException("3 keys expected, " + pairs + " found");
                for (int p = 0; p < pairs; p++)
                {
                    string key = r.ReadText();
                    if (key == "id" && id == null) id = r.ReadText();
                    else if (key == "nonce" && nonce == null) nonce = r.ReadBytes();
                    else if (key == "sig" && signature == null) signature = r.ReadBytes();
                    else throw new CborException("unknown or repeated key '" + key + "'");
                }
                r.ExpectEnd("the signed reset");
            }
            catch (CborException e)
            {
                throw new ProvisioningException(ErrorCode.BadRequest, "FACTORY_RESET on a provisioned device needs the signed form { id, nonce, sig }: " + e.Message);
            }
            if (nonce.Length != NonceSize || signature.Length != Ed25519.SignatureSize || id.Length > MaxDeviceIdLength)
                throw new ProvisioningException(ErrorCode.BadRequest, "signed FACTORY_RESET: 'nonce' must be 16 bytes, 'sig' 64, 'id' at most " + MaxDeviceIdLength + " characters");
            if (id != deviceId)
                throw new ProvisioningException(ErrorCode.WrongDevice, "the reset is signed for " + id + ", this device is " + deviceId + "; nothing erased");
            if (challenge == null)
                throw new ProvisioningException(ErrorCode.StaleChallenge, "this boot has no open challenge (used up, or none could be made); reset the board and sign the nonce of its new HELLO; nothing erased");
            if (!Hex.SameBytes(nonce, challenge))
                throw new ProvisioningException(ErrorCode.StaleChallenge, "the reset is signed for another challenge than this boot's (replayed or from an earlier boot); sign the nonce of the latest HELLO; nothing erased");
            if (!Ed25519.Verify(releasePublicKey, SignedMessage(id, nonce), signature))
                throw new ProvisioningException(ErrorCode.BadSignature, "the signature does not verify with release key " + ReleaseKey.ToHex(ReleaseKey.KeyId(releasePublicKey))
                    + ", the one this device was provisioned with; nothing erased");
        }
    }
}
