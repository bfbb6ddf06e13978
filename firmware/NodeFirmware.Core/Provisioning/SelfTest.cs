using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// The factory self-test (SELF_TEST, docs/formats/provisioning.md): what the firmware can check of its own board over
    /// the port. "sensor": the BME280 answers on I2C with chip id 0x60. "storage": a sector of the internal flash's file
    /// system (the storage the journal lives on) takes a pattern, gives it back and is erased again. "identity": a committed
    /// identity the device can use (<see cref="BootIdentity"/>). Changes nothing but the scratch sector.
    /// </summary>
    public static class SelfTest
    {
        public const int Bme280ChipId = 0x60;
        private const int PatternSize = 256;

        /// <summary>The result, CBOR: { "pass": bool, "checks": [ { "name": text, "ok": bool, "detail": text }, ... ] }.</summary>
        public static byte[] Run(ISensorProbe sensor, IFlash scratch, IdentityStore store, string deviceId)
        {
            string[] names = { "sensor", "storage", "identity" };
            var ok = new bool[3];
            var detail = new string[3];
            ok[0] = Sensor(sensor, out detail[0]);
            ok[1] = Storage(scratch, out detail[1]);
            ok[2] = Identity(store, deviceId, out detail[2]);
            var w = new CborWriter(512);
            w.WriteStartMap(2);
            w.WriteText("pass"); w.WriteBoolean(ok[0] && ok[1] && ok[2]);
            w.WriteText("checks");
            w.WriteStartArray(names.Length);
            for (int i = 0; i < names.Length; i++)
            {
                w.WriteStartMap(3);
                w.WriteText("name"); w.WriteText(names[i]);
                w.WriteText("ok"); w.WriteBoolean(ok[i]);
                w.WriteText("detail"); w.WriteText(detail[i]);
            }
            return w.ToArray();
        }

        private static bool Sensor(ISensorProbe sensor, out string detail)
        {
            int id;
            string fault;
            bool answered;
            try
            {
                answered = sensor.TryReadChipId(out id, out fault);
            }
            catch (System.Exception e)
            {
                detail = "reading the chip id failed: " + e.Message;
                return false;
            }
            if (!answered)
            {
                detail = "no sensor answers: " + fault;
                return false;
            }
            if (id != Bme280ChipId)
            {
                detail = "chip id 0x" + id.ToString("x2") + ", expected 0x60 (BME280)" + (id == 0x58 ? "; 0x58 is a BMP280, which has no humidity" : "");
                return false;
            }
            detail = "BME280, chip id 0x60";
            return true;
        }

        private static bool Storage(IFlash scratch, out string detail)
        {
            try
            {
                var pattern = new byte[PatternSize];
                for (int i = 0; i < PatternSize; i++) pattern[i] = (byte)(i * 37 + 11);
                scratch.EraseSector(0);
                scratch.Program(0, pattern, 0, PatternSize);
                var back = new byte[PatternSize];
                scratch.Read(0, back, 0, PatternSize);
                scratch.EraseSector(0);
                var erased = new byte[PatternSize];
                scratch.Read(0, erased, 0, PatternSize);
                for (int i = 0; i < PatternSize; i++)
                {
                    if (back[i] != pattern[i]) { detail = "byte " + i + " read back as 0x" + back[i].ToString("x2") + ", written 0x" + pattern[i].ToString("x2"); return false; }
                    if (erased[i] != 0xFF) { detail = "byte " + i + " is 0x" + erased[i].ToString("x2") + " after an erase"; return false; }
                }
                detail = PatternSize + " bytes written, read back and erased";
                return true;
            }
            catch (System.Exception e)
            {
                detail = "storage failed: " + e.Message;
                return false;
            }
        }

        private static bool Identity(IdentityStore store, string deviceId, out string detail)
        {
            try
            {
                store.Invalidate(); // read the flash again, not what the session remembers
                BootIdentity identity = BootIdentity.Decide(store, deviceId);
                if (!identity.RunsNode)
                {
                    detail = identity.State == IdentityState.Corrupt ? "the committed identity is unusable: " + identity.Fault
                        : "no committed identity (" + DeviceHello.StateName(identity.State) + ")";
                    return false;
                }
                detail = "committed identity of " + deviceId + " reads back and checks";
                return true;
            }
            catch (System.Exception e)
            {
                detail = "reading the identity failed: " + e.Message;
                return false;
            }
        }
    }
}
