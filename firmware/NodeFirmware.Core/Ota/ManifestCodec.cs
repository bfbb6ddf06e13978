using System;
using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// The CBOR form of a <see cref="FirmwareManifest"/> (docs/formats/firmware-package.md):
    /// { "v": 2, "fw": [major, minor, patch, build], "svn": uint, "boards": [text, ...], "loader": uint, "t": uint,
    ///   "kid": bstr .size 8, "files": [ { "n": text, "sz": uint, "h": bstr .size 32 }, ... ] }.
    /// Decoding is strict: every key present exactly once, no other key, limits enforced, nothing after the map.
    /// A version 1 manifest is the same without "svn" and reads as security version 0.
    /// </summary>
    public static class ManifestCodec
    {
        public const int MaxEncodedSize = 4096;
        public const int MaxFiles = 32;
        public const int MaxBoards = 16;
        public const int MaxNameLength = 64;
        public const int MaxFileSize = 16 * 1024 * 1024;

        public static byte[] Encode(FirmwareManifest m)
        {
            string problem = Check(m);
            if (problem != null) throw new ArgumentException("manifest not encodable: " + problem);
            var w = new CborWriter(256);
            w.WriteStartMap(8);
            w.WriteText("v"); w.WriteUInt64(FirmwareManifest.FormatVersion);
            w.WriteText("fw");
            w.WriteStartArray(4);
            w.WriteUInt64((ulong)m.Version.Major); w.WriteUInt64((ulong)m.Version.Minor);
            w.WriteUInt64((ulong)m.Version.Patch); w.WriteUInt64((ulong)m.Version.Build);
            w.WriteText("svn"); w.WriteUInt64((ulong)m.SecurityVersion);
            w.WriteText("boards");
            w.WriteStartArray(m.Boards.Length);
            foreach (string b in m.Boards) w.WriteText(b);
            w.WriteText("loader"); w.WriteUInt64((ulong)m.MinLoaderVersion);
            w.WriteText("t"); w.WriteUInt64((ulong)m.CreatedUnixTime);
            w.WriteText("kid"); w.WriteBytes(m.KeyId);
            w.WriteText("files");
            w.WriteStartArray(m.Files.Length);
            foreach (ManifestFile f in m.Files)
            {
                w.WriteStartMap(3);
                w.WriteText("n"); w.WriteText(f.Name);
                w.WriteText("sz"); w.WriteUInt64((ulong)f.Size);
                w.WriteText("h"); w.WriteBytes(f.Sha256);
            }
            byte[] encoded = w.ToArray();
            if (encoded.Length > MaxEncodedSize) throw new ArgumentException("manifest encodes to more than " + MaxEncodedSize + " bytes");
            return encoded;
        }

        /// <summary>Decodes; throws <see cref="CborException"/> whose message names what is wrong.</summary>
        public static FirmwareManifest Decode(byte[] data)
        {
            return Decode(data, 0, data == null ? 0 : data.Length);
        }

        public static FirmwareManifest Decode(byte[] data, int offset, int count)
        {
            if (data == null) throw new CborException("manifest: no input");
            if (count > MaxEncodedSize) throw new CborException("manifest: larger than " + MaxEncodedSize + " bytes");
            var r = new CborReader(data, offset, count);
            var m = new FirmwareManifest();
            int seen = 0;
            ulong format = 0;
            int pairs = r.ReadStartMap();
            for (int i = 0; i < pairs; i++)
            {
                string key = r.ReadText();
                int bit = KeyBit(key);
                if (bit == 0) throw new CborException("manifest: unknown key '" + key + "'");
                if ((seen & bit) != 0) throw new CborException("manifest: duplicate key '" + key + "'");
                seen |= bit;
                switch (key)
                {
                    case "v":
                        format = r.ReadUInt64();
                        if (format != 1 && format != FirmwareManifest.FormatVersion) throw new CborException("manifest: format version " + format + " not supported");
                        break;
                    case "svn":
                        m.SecurityVersion = ReadSmall(r, "svn");
                        break;
                    case "fw":
                        if (r.ReadStartArray() != 4) throw new CborException("manifest: fw must be [major, minor, patch, build]");
                        m.Version = new FirmwareVersion(ReadSmall(r, "fw"), ReadSmall(r, "fw"), ReadSmall(r, "fw"), ReadSmall(r, "fw"));
                        break;
                    case "boards":
                        int nb = r.ReadStartArray();
                        if (nb < 1 || nb > MaxBoards) throw new CborException("manifest: 1 to " + MaxBoards + " boards expected");
                        m.Boards = new string[nb];
                        for (int b = 0; b < nb; b++) m.Boards[b] = ReadName(r, "board");
                        break;
                    case "loader":
                        m.MinLoaderVersion = ReadSmall(r, "loader");
                        break;
                    case "t":
                        ulong t = r.ReadUInt64();
                        if (t > 0xFFFFFFFFFFL) throw new CborException("manifest: created time out of range");
                        m.CreatedUnixTime = (long)t;
                        break;
                    case "kid":
                        m.KeyId = r.ReadBytes();
                        if (m.KeyId.Length != 8) throw new CborException("manifest: kid must be 8 bytes");
                        break;
                    default:
                        m.Files = ReadFiles(r);
                        break;
                }
            }
            if ((seen & AllKeysOfVersion1) != AllKeysOfVersion1) throw new CborException("manifest: missing key(s)" + MissingKeys(seen));
            if (format == 1 && (seen & SvnBit) != 0) throw new CborException("manifest: 'svn' needs format version 2");
            if (format == FirmwareManifest.FormatVersion && (seen & SvnBit) == 0) throw new CborException("manifest: missing key(s) 'svn'");
            r.ExpectEnd("manifest");
            return m;
        }

        /// <summary>A file or board name is 1–64 characters of A–Z a–z 0–9 . _ - and does not start with a dot.</summary>
        public static bool IsValidName(string name)
        {
            if (name == null || name.Length == 0 || name.Length > MaxNameLength || name[0] == '.') return false;
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                if (!ok) return false;
            }
            return true;
        }

        /// <summary>Null when the manifest can be encoded, else what is wrong with it.</summary>
        public static string Check(FirmwareManifest m)
        {
            if (m.Version == null) return "no version";
            if (m.Boards == null || m.Boards.Length < 1 || m.Boards.Length > MaxBoards) return "1 to " + MaxBoards + " boards expected";
            foreach (string b in m.Boards) if (!IsValidName(b)) return "invalid board name '" + b + "'";
            if (m.MinLoaderVersion < 0) return "negative loader version";
            if (m.SecurityVersion < 0 || m.SecurityVersion > 999999999) return "security version must be 0..999999999";
            if (m.CreatedUnixTime < 0) return "negative created time";
            if (m.KeyId == null || m.KeyId.Length != 8) return "key id must be 8 bytes";
            if (m.Files == null || m.Files.Length < 1 || m.Files.Length > MaxFiles) return "1 to " + MaxFiles + " files expected";
            for (int i = 0; i < m.Files.Length; i++)
            {
                ManifestFile f = m.Files[i];
                if (!IsValidName(f.Name)) return "invalid file name '" + f.Name + "'";
                if (f.Name == SlotLayout.ManifestFileName) return "file name '" + f.Name + "' is reserved";
                if (f.Size < 0 || f.Size > MaxFileSize) return "file '" + f.Name + "' size out of range";
                if (f.Sha256 == null || f.Sha256.Length != 32) return "file '" + f.Name + "' needs a 32-byte SHA-256";
                for (int k = 0; k < i; k++) if (m.Files[k].Name == f.Name) return "file name '" + f.Name + "' appears twice";
            }
            return null;
        }

        private const int AllKeysOfVersion1 = 0x7F;
        private const int SvnBit = 0x80;

        private static int KeyBit(string key)
        {
            switch (key)
            {
                case "v": return 0x01;
                case "fw": return 0x02;
                case "boards": return 0x04;
                case "loader": return 0x08;
                case "t": return 0x10;
                case "kid": return 0x20;
                case "files": return 0x40;
                case "svn": return SvnBit;
                default: return 0;
            }
        }

        private static string MissingKeys(int seen)
        {
            string[] names = { "v", "fw", "boards", "loader", "t", "kid", "files" };
            string missing = "";
            for (int i = 0; i < names.Length; i++) if ((seen & (1 << i)) == 0) missing += " '" + names[i] + "'";
            return missing;
        }

        private static ManifestFile[] ReadFiles(CborReader r)
        {
            int n = r.ReadStartArray();
            if (n < 1 || n > MaxFiles) throw new CborException("manifest: 1 to " + MaxFiles + " files expected");
            var files = new ManifestFile[n];
            for (int i = 0; i < n; i++)
            {
                if (r.ReadStartMap() != 3) throw new CborException("manifest: file entry must be {n, sz, h}");
                string name = null;
                int size = -1;
                byte[] hash = null;
                for (int k = 0; k < 3; k++)
                {
                    string key = r.ReadText();
                    if (key == "n" && name == null) name = ReadName(r, "file");
                    else if (key == "sz" && size < 0)
                    {
                        ulong sz = r.ReadUInt64();
                        if (sz > MaxFileSize) throw new CborException("manifest: file size over " + MaxFileSize);
                        size = (int)sz;
                    }
                    else if (key == "h" && hash == null)
                    {
                        hash = r.ReadBytes();
                        if (hash.Length != 32) throw new CborException("manifest: file hash must be 32 bytes");
                    }
                    else throw new CborException("manifest: unexpected or repeated key '" + key + "' in a file entry");
                }
                if (name == SlotLayout.ManifestFileName) throw new CborException("manifest: file name '" + name + "' is reserved");
                for (int k = 0; k < i; k++) if (files[k].Name == name) throw new CborException("manifest: file name '" + name + "' appears twice");
                files[i] = new ManifestFile(name, size, hash);
            }
            return files;
        }

        private static string ReadName(CborReader r, string what)
        {
            string name = r.ReadText();
            if (!IsValidName(name)) throw new CborException("manifest: invalid " + what + " name '" + name + "'");
            return name;
        }

        private static int ReadSmall(CborReader r, string what)
        {
            ulong v = r.ReadUInt64();
            if (v > 999999999) throw new CborException("manifest: " + what + " value out of range");
            return (int)v;
        }
    }
}
