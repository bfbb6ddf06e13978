using System;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// The file <c>nodectl firmware authorize-downgrade</c> writes and the receiver's campaigns take (.nfa):
    /// "NFA1", u32 LE document length D, D bytes of the encoded <see cref="DowngradeAuthorization"/>, then its
    /// 64-byte Ed25519 signature over <see cref="DowngradeAuthorizationCodec.SignedBytes"/>. Nothing follows.
    /// The offer carries the two parts as "auth" and "asig".
    /// </summary>
    public class DowngradeAuthorizationFile
    {
        public const int HeaderSize = 8;
        public const int SignatureSize = 64;
        private static readonly byte[] Magic = { 0x4E, 0x46, 0x41, 0x31 }; // "NFA1"

        public byte[] Document;
        public byte[] Signature;
        public DowngradeAuthorization Authorization;

        public static byte[] Build(byte[] document, byte[] signature)
        {
            if (document == null || document.Length == 0 || document.Length > DowngradeAuthorizationCodec.MaxEncodedSize) throw new ArgumentException("document length out of range");
            if (signature == null || signature.Length != SignatureSize) throw new ArgumentException("signature must be 64 bytes");
            var file = new byte[HeaderSize + document.Length + SignatureSize];
            Array.Copy(Magic, file, 4);
            ByteOrder.WriteUInt32LE(file, 4, (uint)document.Length);
            Array.Copy(document, 0, file, HeaderSize, document.Length);
            Array.Copy(signature, 0, file, HeaderSize + document.Length, SignatureSize);
            return file;
        }

        /// <summary>Splits the file and decodes the document; the signature is not checked here. Throws FormatException.</summary>
        public static DowngradeAuthorizationFile Parse(byte[] file)
        {
            if (file == null || file.Length < HeaderSize) throw new FormatException("downgrade authorization: shorter than its 8-byte header");
            for (int i = 0; i < 4; i++) if (file[i] != Magic[i]) throw new FormatException("downgrade authorization: missing magic NFA1");
            uint length = ByteOrder.ReadUInt32LE(file, 4);
            if (length == 0 || length > DowngradeAuthorizationCodec.MaxEncodedSize) throw new FormatException("downgrade authorization: document length " + length + " out of range");
            if (file.Length != HeaderSize + (long)length + SignatureSize) throw new FormatException("downgrade authorization: file length does not match its header");
            var f = new DowngradeAuthorizationFile();
            f.Document = new byte[length];
            Array.Copy(file, HeaderSize, f.Document, 0, (int)length);
            f.Signature = new byte[SignatureSize];
            Array.Copy(file, HeaderSize + (int)length, f.Signature, 0, SignatureSize);
            try
            {
                f.Authorization = DowngradeAuthorizationCodec.Decode(f.Document);
            }
            catch (NodeFirmware.Core.Cbor.CborException e)
            {
                throw new FormatException("downgrade authorization: " + e.Message);
            }
            return f;
        }
    }
}
