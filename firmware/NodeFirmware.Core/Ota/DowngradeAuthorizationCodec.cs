using System;
using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// The CBOR form of a <see cref="DowngradeAuthorization"/>:
    /// { "v": 1, "kid": bstr .size 8, "fw": [major, minor, patch, build], "md": bstr .size 32,
    ///   "dev": [* device-id], "from": [* [major, minor, patch, build]], "ctr": uint, "exp": uint }.
    /// Every key exactly once, no other key, nothing after the map. The release key signs
    /// <see cref="SignedBytes"/>: a context string, then the encoded document, so that no manifest signature
    /// can pass for an authorization signature or the other way round.
    /// </summary>
    public static class DowngradeAuthorizationCodec
    {
        public const int MaxEncodedSize = 2048;
        public const int MaxDevices = 64;
        public const int MaxFromVersions = 16;
        public const int MaxDeviceIdLength = 64;

        /// <summary>Prefixed to the document before signing: ASCII, then a zero byte.</summary>
        public const string SigningContext = "nodefw-downgrade-auth/1";

        public static byte[] Encode(DowngradeAuthorization a)
        {
            string problem = Check(a);
            if (problem != null) throw new ArgumentException("downgrade authorization not encodable: " + problem);
            var w = new CborWriter(256);
            w.WriteStartMap(8);
            w.WriteText("v"); w.WriteUInt64(DowngradeAuthorization.FormatVersion);
            w.WriteText("kid"); w.WriteBytes(a.KeyId);
            w.WriteText("fw"); WriteVersion(w, a.TargetVersion);
            w.WriteText("md"); w.WriteBytes(a.ManifestSha256);
            w.WriteText("dev");
            w.WriteStartArray(a.DeviceIds.Length);
            foreach (string id in a.DeviceIds) w.WriteText(id);
            w.WriteText("from");
            w.WriteStartArray(a.FromVersions.Length);
            foreach (FirmwareVersion v in a.FromVersions) WriteVersion(w, v);
            w.WriteText("ctr"); w.WriteUInt64((ulong)a.Counter);
            w.WriteText("exp"); w.WriteUInt64((ulong)a.ExpiresUnixTime);
            byte[] encoded = w.ToArray();
            if (encoded.Length > MaxEncodedSize) throw new ArgumentException("downgrade authorization encodes to more than " + MaxEncodedSize + " bytes");
            return encoded;
        }

        /// <summary>Throws <see cref="CborException"/> naming what is wrong.</summary>
        public static DowngradeAuthorization Decode(byte[] data)
        {
            if (data == null || data.Length > MaxEncodedSize) throw new CborException("authorization: missing or larger than " + MaxEncodedSize + " bytes");
            var r = new CborReader(data);
            var a = new DowngradeAuthorization();
            var keys = new CborMapKeys(r, "authorization", 8);
            while (keys.Next())
            {
                switch (keys.Key)
                {
                    case "v":
                        if (r.ReadUInt64() != DowngradeAuthorization.FormatVersion) throw new CborException("authorization: format version not supported");
                        break;
                    case "kid":
                        a.KeyId = r.ReadBytes();
                        if (a.KeyId.Length != ReleaseKey.KeyIdSize) throw new CborException("authorization: kid must be 8 bytes");
                        break;
                    case "fw":
                        a.TargetVersion = ReadVersion(r);
                        break;
                    case "md":
                        a.ManifestSha256 = r.ReadBytes();
                        if (a.ManifestSha256.Length != 32) throw new CborException("authorization: md must be 32 bytes");
                        break;
                    case "dev":
                        int n = r.ReadStartArray();
                        if (n > MaxDevices) throw new CborException("authorization: more than " + MaxDevices + " devices");
                        a.DeviceIds = new string[n];
                        for (int i = 0; i < n; i++)
                        {
                            string id = r.ReadText();
                            if (id.Length < 1 || id.Length > MaxDeviceIdLength) throw new CborException("authorization: device id must be 1.." + MaxDeviceIdLength + " characters");
                            a.DeviceIds[i] = id;
                        }
                        break;
                    case "from":
                        int k = r.ReadStartArray();
                        if (k > MaxFromVersions) throw new CborException("authorization: more than " + MaxFromVersions + " 'from' versions");
                        a.FromVersions = new FirmwareVersion[k];
                        for (int i = 0; i < k; i++) a.FromVersions[i] = ReadVersion(r);
                        break;
                    case "ctr":
                        a.Counter = r.ReadUInt32();
                        break;
                    case "exp":
                        ulong exp = r.ReadUInt64();
                        if (exp > 0xFFFFFFFFFFL) throw new CborException("authorization: exp out of range");
                        a.ExpiresUnixTime = (long)exp;
                        break;
                    default:
                        throw new CborException("authorization: unknown key '" + keys.Key + "'");
                }
            }
            r.ExpectEnd("authorization");
            string[] required = { "v", "kid", "fw", "md", "dev", "from", "ctr", "exp" };
            foreach (string key in required) if (!keys.Has(key)) throw new CborException("authorization: missing key '" + key + "'");
            string problem = Check(a);
            if (problem != null) throw new CborException("authorization: " + problem);
            return a;
        }

        /// <summary>Null when the authorization can be encoded, else what is wrong with it.</summary>
        public static string Check(DowngradeAuthorization a)
        {
            if (a.TargetVersion == null) return "no target version";
            if (a.KeyId == null || a.KeyId.Length != ReleaseKey.KeyIdSize) return "key id must be 8 bytes";
            if (a.ManifestSha256 == null || a.ManifestSha256.Length != 32) return "manifest SHA-256 must be 32 bytes";
            if (a.DeviceIds == null || a.FromVersions == null) return "device and version lists are required (may be empty)";
            if (a.DeviceIds.Length == 0 && a.FromVersions.Length == 0) return "names no devices: give device ids, 'from' versions or both";
            if (a.DeviceIds.Length > MaxDevices) return "more than " + MaxDevices + " devices";
            if (a.FromVersions.Length > MaxFromVersions) return "more than " + MaxFromVersions + " 'from' versions";
            foreach (string id in a.DeviceIds) if (id == null || id.Length < 1 || id.Length > MaxDeviceIdLength) return "device id must be 1.." + MaxDeviceIdLength + " characters";
            if (a.Counter < 1 || a.Counter > 0xFFFFFFFFL) return "counter must be 1..4294967295";
            if (a.ExpiresUnixTime < 0) return "negative expiry";
            return null;
        }

        /// <summary>What the release key signs: the context string, a zero byte, then the encoded document.</summary>
        public static byte[] SignedBytes(byte[] encoded)
        {
            byte[] context = Utf8.GetBytes(SigningContext);
            var signed = new byte[context.Length + 1 + encoded.Length];
            Array.Copy(context, signed, context.Length);
            Array.Copy(encoded, 0, signed, context.Length + 1, encoded.Length);
            return signed;
        }

        private static void WriteVersion(CborWriter w, FirmwareVersion v)
        {
            w.WriteStartArray(4);
            w.WriteUInt64((ulong)v.Major); w.WriteUInt64((ulong)v.Minor);
            w.WriteUInt64((ulong)v.Patch); w.WriteUInt64((ulong)v.Build);
        }

        private static FirmwareVersion ReadVersion(CborReader r)
        {
            if (r.ReadStartArray() != 4) throw new CborException("authorization: a version is [major, minor, patch, build]");
            int major = ReadPart(r), minor = ReadPart(r), patch = ReadPart(r), build = ReadPart(r);
            return new FirmwareVersion(major, minor, patch, build);
        }

        private static int ReadPart(CborReader r)
        {
            ulong v = r.ReadUInt64();
            if (v > 999999999) throw new CborException("authorization: version part out of range");
            return (int)v;
        }
    }
}
