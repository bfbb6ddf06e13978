using System;
using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// A firmware package file (.nfw, docs/formats/firmware-package.md): "NFW1", u32 LE manifest length M,
    /// M manifest bytes, 64 signature bytes over exactly those M bytes, then the files' contents in manifest
    /// order. Nothing may follow the last file.
    /// </summary>
    public class FirmwarePackage
    {
        public const int HeaderSize = 8;
        public const int SignatureSize = 64;
        private static readonly byte[] Magic = { 0x4E, 0x46, 0x57, 0x31 }; // "NFW1"

        public byte[] ManifestBytes;
        public byte[] Signature;
        public FirmwareManifest Manifest;

        /// <summary>Where each file's content starts in the package, by manifest index.</summary>
        public long[] FileOffsets;

        /// <summary>Splits a package and decodes its manifest; the signature and the hashes are not checked here.</summary>
        public static FirmwarePackage Parse(byte[] package)
        {
            if (package == null || package.Length < HeaderSize) throw new FormatException("package: shorter than its 8-byte header");
            for (int i = 0; i < 4; i++) if (package[i] != Magic[i]) throw new FormatException("package: missing magic NFW1");
            uint length = ByteOrder.ReadUInt32LE(package, 4);
            if (length == 0 || length > ManifestCodec.MaxEncodedSize) throw new FormatException("package: manifest length " + length + " out of range");
            if (package.Length < HeaderSize + (long)length + SignatureSize) throw new FormatException("package: truncated before the end of the signature");
            var p = new FirmwarePackage();
            p.ManifestBytes = new byte[length];
            Array.Copy(package, HeaderSize, p.ManifestBytes, 0, (int)length);
            p.Signature = new byte[SignatureSize];
            Array.Copy(package, HeaderSize + (int)length, p.Signature, 0, SignatureSize);
            try
            {
                p.Manifest = ManifestCodec.Decode(p.ManifestBytes);
            }
            catch (CborException e)
            {
                throw new FormatException("package: " + e.Message);
            }
            long at = HeaderSize + length + SignatureSize;
            p.FileOffsets = new long[p.Manifest.Files.Length];
            for (int i = 0; i < p.FileOffsets.Length; i++)
            {
                p.FileOffsets[i] = at;
                at += p.Manifest.Files[i].Size;
            }
            if (at != package.Length)
                throw new FormatException("package: " + package.Length + " bytes, but header, manifest, signature and files add up to " + at);
            return p;
        }

        /// <summary>Lays out a package from a signed manifest and the files' contents (in manifest order).</summary>
        public static byte[] Build(byte[] manifestBytes, byte[] signature, byte[][] files)
        {
            if (signature == null || signature.Length != SignatureSize) throw new ArgumentException("signature must be 64 bytes");
            if (manifestBytes == null || manifestBytes.Length == 0 || manifestBytes.Length > ManifestCodec.MaxEncodedSize)
                throw new ArgumentException("manifest length out of range");
            long total = HeaderSize + manifestBytes.Length + SignatureSize;
            foreach (byte[] f in files) total += f.Length;
            if (total > int.MaxValue) throw new ArgumentException("package too large");
            var package = new byte[total];
            Array.Copy(Magic, package, 4);
            ByteOrder.WriteUInt32LE(package, 4, (uint)manifestBytes.Length);
            Array.Copy(manifestBytes, 0, package, HeaderSize, manifestBytes.Length);
            Array.Copy(signature, 0, package, HeaderSize + manifestBytes.Length, SignatureSize);
            int at = HeaderSize + manifestBytes.Length + SignatureSize;
            foreach (byte[] f in files)
            {
                Array.Copy(f, 0, package, at, f.Length);
                at += f.Length;
            }
            return package;
        }

        /// <summary>A copy of file <paramref name="index"/>'s content.</summary>
        public byte[] FileContent(byte[] package, int index)
        {
            var content = new byte[Manifest.Files[index].Size];
            Array.Copy(package, (int)FileOffsets[index], content, 0, content.Length);
            return content;
        }
    }
}
