using NodeFirmware.Core.Config;
using NodeFirmware.Core.Vectors.Checks;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>The configuration a case runs with: Core's defaults, with the case's "config:" applied.</summary>
    public static class Configs
    {
        public static DeviceConfig FromVector(Vector v)
        {
            var defaults = new DeviceConfig();
            if (!v.Has("config")) return defaults;
            string reason;
            DeviceConfig c = ConfigCodec.Apply(defaults, CborDiagnostic.Write(v.Text("config")), out reason);
            if (c == null) throw new VectorFormatException(v.Name + ": config refused: " + reason);
            return c;
        }
    }
}
