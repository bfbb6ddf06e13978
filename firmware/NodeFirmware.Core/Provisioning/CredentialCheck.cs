using System;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// Structural checks of the device's TLS credentials, done before any TLS library sees them, so a bundle
    /// that would make the device's mbedTLS (or .NET on the virtual node) throw is found at provisioning time
    /// and at boot alike: certificates are a well-formed X.509 SEQUENCE { tbsCertificate, signatureAlgorithm,
    /// signature }, the key is a PKCS#8 EC P-256 key (RFC 5208, RFC 5915) whose scalar is in range, and where the
    /// key carries its public point it must be the one in the certificate. Each method returns null when
    /// the value passes, or what is wrong (never key material).
    /// </summary>
    public static class CredentialCheck
    {
        // 1.2.840.10045.2.1 (id-ecPublicKey) and 1.2.840.10045.3.1.7 (prime256v1), DER contents of the OIDs.
        private static readonly byte[] EcPublicKeyOid = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
        private static readonly byte[] P256Oid = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };

        // The order n of P-256; a private scalar must be 1..n-1.
        private static readonly byte[] P256Order =
        {
            0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
        };

        private const int ScalarSize = 32;

        /// <summary>Problem with an X.509 certificate in DER, or null.</summary>
        public static string CertificateProblem(byte[] der)
        {
            byte[] publicKey;
            return Certificate(der, out publicKey);
        }

        /// <summary>
        /// The subjectPublicKey of a well-formed certificate as its BIT STRING contents (00, then the point), or null when
        /// the certificate is not well-formed.
        /// </summary>
        public static byte[] CertificatePublicKey(byte[] der)
        {
            byte[] publicKey;
            return Certificate(der, out publicKey) == null ? publicKey : null;
        }

        /// <summary>Problem with a PKCS#8 P-256 private key in DER, or null.</summary>
        public static string PrivateKeyProblem(byte[] der)
        {
            byte[] publicKey;
            return PrivateKey(der, out publicKey);
        }

        /// <summary>Problem with the certificate, the key, or the two together; null when both hold up and belong together.</summary>
        public static string PairProblem(byte[] certificateDer, byte[] privateKeyDer)
        {
            byte[] certificateKey;
            string problem = Certificate(certificateDer, out certificateKey);
            if (problem != null) return "certificate: " + problem;
            byte[] keyPoint;
            problem = PrivateKey(privateKeyDer, out keyPoint);
            if (problem != null) return "private key: " + problem;
            if (keyPoint != null && certificateKey != null && !Hex.SameBytes(keyPoint, certificateKey))
                return "private key: does not belong to the certificate (public keys differ)";
            return null;
        }

        private static string Certificate(byte[] der, out byte[] subjectPublicKey)
        {
            subjectPublicKey = null;
            if (der == null || der.Length == 0) return "missing";
            try
            {
                var whole = new DerReader(der, 0, der.Length);
                DerReader certificate = whole.Read(DerReader.Sequence, "certificate");
                whole.ExpectEnd("certificate");
                new DerReader(der, 0, der.Length).CheckWellFormed();

                DerReader tbs = certificate.Read(DerReader.Sequence, "tbsCertificate");
                certificate.Read(DerReader.Sequence, "signatureAlgorithm");
                certificate.Read(DerReader.BitString, "signature");
                certificate.ExpectEnd("certificate");

                if (tbs.PeekTag() == 0xA0) tbs.Skip(); // [0] version
                tbs.Read(DerReader.Integer, "serialNumber");
                tbs.Read(DerReader.Sequence, "signature");
                tbs.Read(DerReader.Sequence, "issuer");
                tbs.Read(DerReader.Sequence, "validity");
                tbs.Read(DerReader.Sequence, "subject");
                DerReader spki = tbs.Read(DerReader.Sequence, "subjectPublicKeyInfo");
                spki.Read(DerReader.Sequence, "algorithm");
                subjectPublicKey = spki.ReadBytes(DerReader.BitString, "subjectPublicKey");
                spki.ExpectEnd("subjectPublicKeyInfo");
                return null;
            }
            catch (FormatException e)
            {
                subjectPublicKey = null;
                return "not a DER X.509 certificate (" + e.Message + ")";
            }
        }

        private static string PrivateKey(byte[] der, out byte[] publicKey)
        {
            publicKey = null;
            if (der == null || der.Length == 0) return "missing";
            try
            {
                var whole = new DerReader(der, 0, der.Length);
                DerReader info = whole.Read(DerReader.Sequence, "PrivateKeyInfo");
                whole.ExpectEnd("PrivateKeyInfo");
                new DerReader(der, 0, der.Length).CheckWellFormed();

                byte[] version = info.ReadBytes(DerReader.Integer, "version");
                if (version.Length != 1 || version[0] != 0) return "PKCS#8 version is not 0";
                DerReader algorithm = info.Read(DerReader.Sequence, "privateKeyAlgorithm");
                if (!Hex.SameBytes(algorithm.ReadBytes(DerReader.ObjectId, "algorithm"), EcPublicKeyOid)) return "not an EC key";
                if (algorithm.AtEnd || algorithm.PeekTag() != DerReader.ObjectId
                    || !Hex.SameBytes(algorithm.ReadBytes(DerReader.ObjectId, "namedCurve"), P256Oid))
                    return "not on curve P-256";
                byte[] inner = info.ReadBytes(DerReader.OctetString, "privateKey");

                var ecReader = new DerReader(inner, 0, inner.Length);
                DerReader ec = ecReader.Read(DerReader.Sequence, "ECPrivateKey");
                ecReader.ExpectEnd("ECPrivateKey");
                byte[] ecVersion = ec.ReadBytes(DerReader.Integer, "ECPrivateKey version");
                if (ecVersion.Length != 1 || ecVersion[0] != 1) return "ECPrivateKey version is not 1";
                byte[] scalar = ec.ReadBytes(DerReader.OctetString, "privateKey");
                if (scalar.Length != ScalarSize) return "private scalar is " + scalar.Length + " bytes, not 32";
                if (!InRange(scalar)) return "private scalar is 0 or not below the curve order";
                if (!ec.AtEnd && ec.PeekTag() == 0xA0) ec.Skip(); // [0] parameters
                if (!ec.AtEnd && ec.PeekTag() == 0xA1)
                {
                    DerReader wrapped = ec.Read(0xA1, "publicKey");
                    publicKey = wrapped.ReadBytes(DerReader.BitString, "publicKey");
                }
                ec.ExpectEnd("ECPrivateKey");
                return null;
            }
            catch (FormatException e)
            {
                publicKey = null;
                return "not a DER PKCS#8 key (" + e.Message + ")";
            }
        }

        private static bool InRange(byte[] scalar)
        {
            bool zero = true;
            for (int i = 0; i < scalar.Length; i++) if (scalar[i] != 0) { zero = false; break; }
            if (zero) return false;
            for (int i = 0; i < scalar.Length; i++)
            {
                if (scalar[i] != P256Order[i]) return scalar[i] < P256Order[i];
            }
            return false;
        }
    }
}
