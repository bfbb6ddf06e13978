using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>A sensor probe that reports a given chip id (hex), or "missing": nothing answers.</summary>
    public class ScriptedSensorProbe : ISensorProbe
    {
        private readonly string _chipId;

        public ScriptedSensorProbe(string chipId)
        {
            _chipId = chipId;
        }

        public bool TryReadChipId(out int chipId, out string fault)
        {
            chipId = 0;
            fault = null;
            if (_chipId == "missing")
            {
                fault = "no acknowledge at I2C address 0x76";
                return false;
            }
            chipId = (int)HexText.ParseLong(_chipId, "sensor");
            return true;
        }
    }
}
