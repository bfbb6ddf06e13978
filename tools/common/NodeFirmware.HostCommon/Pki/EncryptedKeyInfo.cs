using System.Formats.Asn1;
using System.Security.Cryptography;

namespace NodeFirmware.HostCommon.Pki;

/// <summary>
/// What protects an "ENCRYPTED PRIVATE KEY" PEM (RFC 5958 EncryptedPrivateKeyInfo with RFC 8018 PBES2), read
/// without the passphrase, so tools can show and tests can check how the CA key is stored.
/// </summary>
public sealed record EncryptedKeyInfo(string SchemeOid, string KdfOid, string PrfOid, int Iterations, string CipherOid)
{
    public const string Pbes2Oid = "1.2.840.113549.1.5.13";
    public const string Pbkdf2Oid = "1.2.840.113549.1.5.12";
    public const string HmacSha256Oid = "1.2.840.113549.2.9";
    public const string Aes256CbcOid = "2.16.840.1.101.3.4.1.42";

    public bool IsPbes2Aes256Sha256 => SchemeOid == Pbes2Oid && KdfOid == Pbkdf2Oid && PrfOid == HmacSha256Oid && CipherOid == Aes256CbcOid;

    public static EncryptedKeyInfo FromPem(string pem)
    {
        var fields = PemEncoding.Find(pem);
        var label = pem[fields.Label];
        if (label != "ENCRYPTED PRIVATE KEY")
            throw new PkiException($"expected an ENCRYPTED PRIVATE KEY PEM, found '{label}'");
        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        try
        {
            var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var algorithm = info.ReadSequence();
            var scheme = algorithm.ReadObjectIdentifier();
            if (scheme != Pbes2Oid) return new EncryptedKeyInfo(scheme, "", "", 0, "");
            var pbes2 = algorithm.ReadSequence();
            var kdf = pbes2.ReadSequence();
            var kdfOid = kdf.ReadObjectIdentifier();
            var kdfParams = kdf.ReadSequence();
            kdfParams.ReadOctetString(); // salt
            var iterations = (int)kdfParams.ReadInteger();
            if (kdfParams.HasData && kdfParams.PeekTag().HasSameClassAndValue(Asn1Tag.Integer)) kdfParams.ReadInteger(); // keyLength
            var prf = kdfParams.HasData ? kdfParams.ReadSequence().ReadObjectIdentifier() : "1.2.840.113549.2.7"; // default hmacWithSHA1
            var cipher = pbes2.ReadSequence().ReadObjectIdentifier();
            return new EncryptedKeyInfo(scheme, kdfOid, prf, iterations, cipher);
        }
        catch (AsnContentException e)
        {
            throw new PkiException("the encrypted key is not a well-formed EncryptedPrivateKeyInfo", e);
        }
    }
}
