using System;
using NodeFirmware.Core.Crypto;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// A P-256 key pair the device made for itself (GENERATE_KEY): the private scalar never leaves the device except
    /// into its own identity record, as the PKCS#8 key of the bundle it stores (<see cref="Pkcs8"/>, the form nodectl
    /// used to send: docs/formats/provisioning.md).
    /// </summary>
    public sealed class DeviceKey
    {
        // DER contents of 1.2.840.10045.2.1 (id-ecPublicKey) and 1.2.840.10045.3.1.7 (prime256v1).
        private static readonly byte[] EcPublicKeyOid = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
        private static readonly byte[] P256Oid = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };

        private readonly byte[] _private;

        private DeviceKey(byte[] privateKey)
        {
            _private = (byte[])privateKey.Clone();
            PublicKey = P256Ecdsa.PublicKey(_private);
        }

        /// <summary>A new key from the device's random source (<see cref="P256Ecdsa.GeneratePrivateKey"/>).</summary>
        public static DeviceKey Generate(Random random)
        {
            byte[] scalar = P256Ecdsa.GeneratePrivateKey(random);
            try
            {
                return new DeviceKey(scalar);
            }
            finally
            {
                Array.Clear(scalar, 0, scalar.Length);
            }
        }

        /// <summary>The key of a given 32-byte scalar (known-answer tests).</summary>
        public static DeviceKey FromPrivate(byte[] privateKey)
        {
            if (!P256Ecdsa.IsValidPrivateKey(privateKey)) throw new ArgumentException("not a P-256 private key (32 bytes, 1..n-1)");
            return new DeviceKey(privateKey);
        }

        /// <summary>The uncompressed public point, 65 bytes.</summary>
        public byte[] PublicKey { get; private set; }

        public byte[] SignMessage(byte[] message)
        {
            return P256Ecdsa.SignMessage(_private, message);
        }

        /// <summary>The AlgorithmIdentifier { id-ecPublicKey, prime256v1 } of keys and certificates.</summary>
        public static byte[] AlgorithmIdentifier()
        {
            return DerWriter.Sequence(DerWriter.Element(DerReader.ObjectId, EcPublicKeyOid), DerWriter.Element(DerReader.ObjectId, P256Oid));
        }

        /// <summary>SubjectPublicKeyInfo (RFC 5480).</summary>
        public byte[] SubjectPublicKeyInfo()
        {
            return DerWriter.Sequence(AlgorithmIdentifier(), DerWriter.BitString(PublicKey));
        }

        /// <summary>
        /// PKCS#8 PrivateKeyInfo (RFC 5208) around an ECPrivateKey (RFC 5915, version 1, with its public key [1]):
        /// the layout OpenSSL writes, which Core's <see cref="CredentialCheck"/> and the TLS libraries read. Secret.
        /// </summary>
        public byte[] Pkcs8()
        {
            byte[] ecPrivateKey = DerWriter.Sequence(
                DerWriter.SmallInteger(1),
                DerWriter.Element(DerReader.OctetString, _private),
                DerWriter.Element(0xA1, DerWriter.BitString(PublicKey)));
            return DerWriter.Sequence(
                DerWriter.SmallInteger(0),
                AlgorithmIdentifier(),
                DerWriter.Element(DerReader.OctetString, ecPrivateKey));
        }

        /// <summary>Overwrites the private scalar; the key cannot sign after this.</summary>
        public void Destroy()
        {
            Array.Clear(_private, 0, _private.Length);
        }
    }
}
