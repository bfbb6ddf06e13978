using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// The HelloReply payload, a CBOR map:
    /// { "pv": protocol version, "mac": 6 bytes, "id": device id, "fw": firmware version,
    ///   "prov": committed and usable?, "state": "empty" | "stored" | "provisioned" | "corrupt", "max": largest bundle accepted,
    ///   "crt": SHA-256 of the stored device certificate (only when a bundle is stored),
    ///   "fault": why a stored identity is unusable (only with state "corrupt"),
    ///   "rkid": key id of the release key the committed identity trusts (only with state "provisioned"),
    ///   "nonce": this boot's 16-byte challenge for a signed FACTORY_RESET (only with state "provisioned", until used) }.
    /// Nothing secret: the certificate digest lets the host recognise a device it provisioned before.
    /// </summary>
    public class DeviceHello
    {
        public int ProtocolVersion;
        public byte[] Mac;
        public string DeviceId;
        public string FirmwareVersion;
        public IdentityState State;
        public int MaxBundleSize;

        /// <summary>SHA-256 of the stored certificate's DER, or null.</summary>
        public byte[] CertificateSha256;

        /// <summary>With <see cref="IdentityState.Corrupt"/>: what is wrong with the stored identity; otherwise null.</summary>
        public string Fault;

        /// <summary>With Committed: the first 8 bytes of SHA-256 of the release public key (Core's ReleaseKey.KeyId); otherwise null.</summary>
        public byte[] ReleaseKeyId;

        /// <summary>With Committed: the challenge a signed FACTORY_RESET must carry this boot; null when none is open.</summary>
        public byte[] Challenge;

        /// <summary>True when the device makes its own key on GENERATE_KEY ("gen"; absent, false, on firmware without it).</summary>
        public bool CanGenerateKey;

        public bool Provisioned { get { return State == IdentityState.Committed; } }

        public byte[] Encode()
        {
            var w = new CborWriter(128);
            w.WriteStartMap(7 + (CertificateSha256 == null ? 0 : 1) + (Fault == null ? 0 : 1) + (ReleaseKeyId == null ? 0 : 1) + (Challenge == null ? 0 : 1) + (CanGenerateKey ? 1 : 0));
            w.WriteText("pv"); w.WriteInt32(ProtocolVersion);
            w.WriteText("mac"); w.WriteBytes(Mac);
            w.WriteText("id"); w.WriteText(DeviceId);
            w.WriteText("fw"); w.WriteText(FirmwareVersion);
            w.WriteText("prov"); w.WriteBoolean(Provisioned);
            w.WriteText("state"); w.WriteText(StateName(State));
            w.WriteText("max"); w.WriteInt32(MaxBundleSize);
            if (CertificateSha256 != null) { w.WriteText("crt"); w.WriteBytes(CertificateSha256); }
            if (Fault != null) { w.WriteText("fault"); w.WriteText(Fault); }
            if (ReleaseKeyId != null) { w.WriteText("rkid"); w.WriteBytes(ReleaseKeyId); }
            if (Challenge != null) { w.WriteText("nonce"); w.WriteBytes(Challenge); }
            if (CanGenerateKey) { w.WriteText("gen"); w.WriteBoolean(true); }
            return w.ToArray();
        }

        /// <summary>Decodes; unknown keys are skipped so a newer device can say more. Throws <see cref="CborException"/>.</summary>
        public static DeviceHello Decode(byte[] payload)
        {
            var h = new DeviceHello();
            var r = new CborReader(payload);
            int pairs = r.ReadStartMap();
            bool haveState = false;
            for (int p = 0; p < pairs; p++)
            {
                string key = r.ReadText();
                if (key == "pv") h.ProtocolVersion = r.ReadInt32();
                else if (key == "mac") h.Mac = r.ReadBytes();
                else if (key == "id") h.DeviceId = r.ReadText();
                else if (key == "fw") h.FirmwareVersion = r.ReadText();
                else if (key == "state") { h.State = ParseState(r.ReadText()); haveState = true; }
                else if (key == "max") h.MaxBundleSize = r.ReadInt32();
                else if (key == "crt") h.CertificateSha256 = r.ReadBytes();
                else if (key == "fault") h.Fault = r.ReadText();
                else if (key == "rkid") h.ReleaseKeyId = r.ReadBytes();
                else if (key == "nonce") h.Challenge = r.ReadBytes();
                else if (key == "gen") h.CanGenerateKey = r.ReadBoolean();
                else r.SkipValue();
            }
            if (!r.AtEnd) throw new CborException("trailing bytes after the hello map");
            if (h.Mac == null || h.Mac.Length != ProvisioningProtocol.MacSize) throw new CborException("hello: 'mac' missing or not 6 bytes");
            if (h.DeviceId == null) throw new CborException("hello: 'id' missing");
            if (!haveState) throw new CborException("hello: 'state' missing");
            if (h.Challenge != null && h.Challenge.Length != FactoryResetAuthorization.NonceSize) throw new CborException("hello: 'nonce' is not 16 bytes");
            if (h.FirmwareVersion == null) h.FirmwareVersion = "";
            return h;
        }

        public static string StateName(IdentityState state)
        {
            if (state == IdentityState.Committed) return "provisioned";
            if (state == IdentityState.Corrupt) return "corrupt";
            if (state == IdentityState.Stored) return "stored";
            return "empty";
        }

        private static IdentityState ParseState(string name)
        {
            if (name == "provisioned") return IdentityState.Committed;
            if (name == "corrupt") return IdentityState.Corrupt;
            if (name == "stored") return IdentityState.Stored;
            if (name == "empty") return IdentityState.Empty;
            throw new CborException("hello: unknown state '" + name + "'");
        }
    }
}
