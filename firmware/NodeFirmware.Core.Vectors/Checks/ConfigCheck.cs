using NodeFirmware.Core.Config;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// A desired configuration applied onto Core's defaults: "payload:" in diagnostic notation, or
    /// "payload-hex:" for bytes that notation cannot say (trailing bytes, malformed input).
    /// Expect: "applied " + the resulting configuration's encoding in hex, or "refused: " + Core's reason.
    /// </summary>
    public static class ConfigCheck
    {
        public static string Compute(Vector v)
        {
            byte[] payload = v.Has("payload") ? CborDiagnostic.Write(v.Text("payload")) : v.Bytes("payload-hex");
            string reason;
            DeviceConfig applied = ConfigCodec.Apply(new DeviceConfig(), payload, out reason);
            return applied == null ? "refused: " + reason : "applied " + HexText.Encode(ConfigCodec.Encode(applied));
        }
    }
}
