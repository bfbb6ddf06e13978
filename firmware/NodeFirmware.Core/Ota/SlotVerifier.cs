using System;
using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// Checks what a slot holds: the signed manifest file (signature, board, Loader version) and every listed
    /// file's size and SHA-256. Used by the Loader before every load and by the OTA client before it marks a trial.
    /// </summary>
    public class SlotVerifier
    {
        private const int ReadBlock = 1024;

        private readonly ISlotStorage _slots;
        private readonly ManifestVerifier _manifests;

        public SlotVerifier(ISlotStorage slots, ManifestVerifier manifests)
        {
            _slots = slots;
            _manifests = manifests;
        }

        /// <summary>The slot's manifest when everything checks out, else null with the reason.</summary>
        public FirmwareManifest Verify(int slot, out string reason)
        {
            byte[] signed = ReadManifestFile(slot, out reason);
            if (signed == null) return null;
            int manifestLength = signed.Length - Ed25519.SignatureSize;
            var signature = new byte[Ed25519.SignatureSize];
            Array.Copy(signed, manifestLength, signature, 0, Ed25519.SignatureSize);
            FirmwareManifest m = _manifests.Verify(signed, 0, manifestLength, signature, out reason);
            if (m == null) return null;
            for (int i = 0; i < m.Files.Length; i++)
            {
                if (!FileMatches(slot, m.Files[i], out reason)) return null;
            }
            reason = null;
            return m;
        }

        /// <summary>
        /// The cheap check for a slot that already passed <see cref="Verify"/> on an earlier boot: the manifest
        /// file is there and decodes, and every file has the listed size. No signature, no hashing — seconds
        /// saved on every deep-sleep wake of a device whose flash nobody could have touched in between.
        /// </summary>
        public FirmwareManifest QuickCheck(int slot, out string reason)
        {
            byte[] signed = ReadManifestFile(slot, out reason);
            if (signed == null) return null;
            FirmwareManifest m;
            try
            {
                m = ManifestCodec.Decode(signed, 0, signed.Length - Ed25519.SignatureSize);
            }
            catch (NodeFirmware.Core.Cbor.CborException e)
            {
                reason = OtaFailure.Format(OtaFailure.BadManifest, e.Message);
                return null;
            }
            for (int i = 0; i < m.Files.Length; i++)
            {
                int length = _slots.FileLength(slot, m.Files[i].Name);
                if (length != m.Files[i].Size)
                {
                    reason = OtaFailure.Format(OtaFailure.HashMismatch, "'" + m.Files[i].Name + "' has the wrong length");
                    return null;
                }
            }
            reason = null;
            return m;
        }

        /// <summary>True when the slot's copy of <paramref name="file"/> has the manifest's size and SHA-256.</summary>
        public bool FileMatches(int slot, ManifestFile file, out string reason)
        {
            int length = _slots.FileLength(slot, file.Name);
            if (length != file.Size)
            {
                reason = OtaFailure.Format(OtaFailure.HashMismatch, "'" + file.Name + "' is " + (length < 0 ? "missing" : length + " bytes, manifest says " + file.Size));
                return false;
            }
            byte[] digest = HashFile(_slots, slot, file.Name, length);
            if (!ReleaseKey.SameBytes(digest, file.Sha256))
            {
                reason = OtaFailure.Format(OtaFailure.HashMismatch, "SHA-256 of '" + file.Name + "' differs from the manifest");
                return false;
            }
            reason = null;
            return true;
        }

        public static byte[] HashFile(ISlotStorage slots, int slot, string name, int length)
        {
            var sha = new Sha256();
            var block = new byte[ReadBlock];
            int at = 0;
            while (at < length)
            {
                int n = slots.Read(slot, name, at, block, 0, length - at < ReadBlock ? length - at : ReadBlock);
                if (n <= 0) break;
                sha.Update(block, 0, n);
                at += n;
            }
            return sha.Final();
        }

        /// <summary>The manifest file's bytes (manifest followed by signature), or null with the reason.</summary>
        public byte[] ReadManifestFile(int slot, out string reason)
        {
            int length = _slots.FileLength(slot, SlotLayout.ManifestFileName);
            if (length < 0)
            {
                reason = OtaFailure.Format(OtaFailure.VerifyFailed, "slot " + SlotLayout.SlotName(slot) + " has no manifest");
                return null;
            }
            if (length <= Ed25519.SignatureSize || length > ManifestCodec.MaxEncodedSize + Ed25519.SignatureSize)
            {
                reason = OtaFailure.Format(OtaFailure.VerifyFailed, "manifest file of slot " + SlotLayout.SlotName(slot) + " has a bad length " + length);
                return null;
            }
            var signed = new byte[length];
            int at = 0;
            while (at < length)
            {
                int n = _slots.Read(slot, SlotLayout.ManifestFileName, at, signed, at, length - at);
                if (n <= 0)
                {
                    reason = OtaFailure.Format(OtaFailure.VerifyFailed, "manifest file shorter than its length");
                    return null;
                }
                at += n;
            }
            reason = null;
            return signed;
        }
    }
}
