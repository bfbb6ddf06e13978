namespace NodeFirmware.Core.Tests.Provisioning;

/// <summary>Builds the DER shapes the credential checks look for (not signed, not meant for a TLS library).</summary>
internal static class Der
{
    public static readonly byte[] EcPublicKeyOid = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
    public static readonly byte[] P256Oid = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };

    public static byte[] Tlv(int tag, params byte[][] parts)
    {
        var content = parts.SelectMany(p => p).ToArray();
        var header = new List<byte> { (byte)tag };
        int n = content.Length;
        if (n < 0x80) header.Add((byte)n);
        else if (n < 0x100) header.AddRange(new byte[] { 0x81, (byte)n });
        else header.AddRange(new byte[] { 0x82, (byte)(n >> 8), (byte)n });
        return header.Concat(content).ToArray();
    }

    public static byte[] Pkcs8EcKey(byte[] scalar, byte[]? publicPoint = null)
    {
        var ec = new List<byte[]> { Tlv(0x02, new byte[] { 1 }), Tlv(0x04, scalar) };
        if (publicPoint != null) ec.Add(Tlv(0xA1, Tlv(0x03, new byte[] { 0 }, publicPoint)));
        return Tlv(0x30,
            Tlv(0x02, new byte[] { 0 }),
            Tlv(0x30, Tlv(0x06, EcPublicKeyOid), Tlv(0x06, P256Oid)),
            Tlv(0x04, Tlv(0x30, ec.ToArray())));
    }

    /// <summary>SEQUENCE { tbs, alg, BIT STRING } padded (in the signature) to exactly <paramref name="size"/> bytes.</summary>
    public static byte[] Certificate(string subject, int size, byte[]? publicPoint = null)
    {
        byte[] name = Tlv(0x30, Tlv(0x31, Tlv(0x30, Tlv(0x06, new byte[] { 0x55, 0x04, 0x03 }), Tlv(0x0C, System.Text.Encoding.UTF8.GetBytes(subject)))));
        byte[] alg = Tlv(0x30, Tlv(0x06, new byte[] { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02 }));
        byte[] spki = Tlv(0x30, Tlv(0x30, Tlv(0x06, EcPublicKeyOid), Tlv(0x06, P256Oid)),
            Tlv(0x03, new byte[] { 0 }, publicPoint ?? Enumerable.Repeat((byte)0x04, 65).ToArray()));
        byte[] tbs = Tlv(0x30, Tlv(0xA0, Tlv(0x02, new byte[] { 2 })), Tlv(0x02, new byte[] { 0x01, 0x23 }), alg,
            Tlv(0x30, Tlv(0x31, Tlv(0x30, Tlv(0x06, new byte[] { 0x55, 0x04, 0x03 }), Tlv(0x0C, "Test CA"u8.ToArray())))),
            Tlv(0x30, Tlv(0x17, "250101000000Z"u8.ToArray()), Tlv(0x17, "350101000000Z"u8.ToArray())), name, spki);
        for (int pad = 0; pad <= size; pad++)
        {
            var signature = new byte[pad + 1];
            for (int i = 1; i < signature.Length; i++) signature[i] = (byte)i;
            byte[] der = Tlv(0x30, tbs, alg, Tlv(0x03, signature));
            if (der.Length == size) return der;
            if (der.Length > size) break;
        }
        throw new ArgumentException($"cannot make a certificate of exactly {size} bytes for '{subject}'");
    }
}
