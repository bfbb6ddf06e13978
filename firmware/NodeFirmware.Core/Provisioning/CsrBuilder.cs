using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// The PKCS#10 certificate request (RFC 2986) a device sends for its own key: subject CN = the device id (UTF8String),
    /// the P-256 SubjectPublicKeyInfo, no attributes, signed with ecdsa-with-SHA256 (RFC 5758) by the key itself, with an
    /// RFC 6979 nonce, so the same key and id always give the same bytes.
    /// </summary>
    public static class CsrBuilder
    {
        // DER contents of 2.5.4.3 (commonName) and 1.2.840.10045.4.3.2 (ecdsa-with-SHA256).
        private static readonly byte[] CommonNameOid = { 0x55, 0x04, 0x03 };
        private static readonly byte[] EcdsaWithSha256Oid = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02 };

        /// <summary>The largest request this builds (a device id is 18 characters; the request is about 230 bytes).</summary>
        public const int MaxSize = 512;

        public static byte[] Build(DeviceKey key, string deviceId)
        {
            if (key == null) throw new System.ArgumentNullException("key");
            if (!DeviceIdFormat.IsValid(deviceId)) throw new System.ArgumentException("not a device id");
            byte[] rdn = DerWriter.Element(DerWriter.Set, DerWriter.Sequence(
                DerWriter.Element(DerReader.ObjectId, CommonNameOid),
                DerWriter.Element(DerWriter.Utf8String, Utf8.GetBytes(deviceId))));
            byte[] info = DerWriter.Sequence(
                DerWriter.SmallInteger(0),
                DerWriter.Sequence(rdn),
                key.SubjectPublicKeyInfo(),
                new byte[] { 0xA0, 0x00 });
            byte[] rs = key.SignMessage(info);
            var r = new byte[32];
            var s = new byte[32];
            System.Array.Copy(rs, 0, r, 0, 32);
            System.Array.Copy(rs, 32, s, 0, 32);
            byte[] signature = DerWriter.Sequence(DerWriter.UnsignedInteger(r), DerWriter.UnsignedInteger(s));
            return DerWriter.Sequence(
                info,
                DerWriter.Sequence(DerWriter.Element(DerReader.ObjectId, EcdsaWithSha256Oid)),
                DerWriter.BitString(signature));
        }
    }
}
