using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Config
{
    /// <summary>
    /// The CBOR form of a configuration (docs/formats/config.md): a map of short text keys to integers.
    /// A desired configuration may carry only some keys; the others keep their current values. Decoding is strict:
    /// a duplicate key, bytes after the map, and a negative or out-of-range number refuse the whole document.
    /// </summary>
    public static class ConfigCodec
    {
        private static readonly string[] Keys =
        {
            "rev", "sample_s", "report_s", "batch", "os_t", "os_h", "os_p", "filter", "bat_low_mv",
            "bat_crit_mv", "low_factor", "backoff_base_s", "backoff_max_s", "light_below_s", "listen_ms",
            "ack_ms",
        };

        public static byte[] Encode(DeviceConfig c)
        {
            var w = new CborWriter(160);
            w.WriteStartMap(Keys.Length);
            for (int i = 0; i < Keys.Length; i++)
            {
                w.WriteText(Keys[i]);
                w.WriteInt64(Get(c, i));
            }
            return w.ToArray();
        }

        /// <summary>
        /// Applies a desired configuration onto <paramref name="current"/>. Returns the new configuration,
        /// or null with <paramref name="reason"/> when the payload is malformed or the result is invalid;
        /// <paramref name="current"/> is never changed.
        /// </summary>
        public static DeviceConfig Apply(DeviceConfig current, byte[] payload, out string reason)
        {
            var next = current.Clone();
            try
            {
                if (payload == null || payload.Length > 1024) { reason = "config payload missing or over 1024 bytes"; return null; }
                var r = new CborReader(payload);
                var keys = new CborMapKeys(r, "config", Keys.Length);
                while (keys.Next())
                {
                    string key = keys.Key;
                    int index = IndexOf(key);
                    if (index < 0) { reason = "unknown key '" + key + "'"; return null; }
                    if (r.PeekMajorType() == CborMajorType.NegativeInteger) { reason = key + " must not be negative"; return null; }
                    // "rev" is a uint32; every other value is a non-negative int.
                    long value = index == 0 ? (long)r.ReadUInt32() : r.ReadNonNegativeInt32();
                    Set(next, index, value);
                }
                r.ExpectEnd("config");
            }
            catch (CborException e)
            {
                reason = "malformed config: " + e.Message;
                return null;
            }
            reason = ConfigValidator.Validate(next);
            return reason == null ? next : null;
        }

        private static int IndexOf(string key)
        {
            for (int i = 0; i < Keys.Length; i++) if (Keys[i] == key) return i;
            return -1;
        }

        private static long Get(DeviceConfig c, int i)
        {
            switch (i)
            {
                case 0: return c.Revision;
                case 1: return c.SampleIntervalSeconds;
                case 2: return c.ReportIntervalSeconds;
                case 3: return c.MaxBatchReadings;
                case 4: return c.TemperatureOversampling;
                case 5: return c.HumidityOversampling;
                case 6: return c.PressureOversampling;
                case 7: return c.FilterCoefficient;
                case 8: return c.LowBatteryMillivolts;
                case 9: return c.CriticalBatteryMillivolts;
                case 10: return c.LowBatteryIntervalFactor;
                case 11: return c.BackoffBaseSeconds;
                case 12: return c.BackoffMaxSeconds;
                case 13: return c.LightSleepBelowSeconds;
                case 14: return c.ListenWindowMilliseconds;
                default: return c.AckWaitMilliseconds;
            }
        }

        private static void Set(DeviceConfig c, int i, long v)
        {
            int n = (int)v; // rev aside, the decoder admits only 0..int.MaxValue
            switch (i)
            {
                case 0: c.Revision = (uint)v; break;
                case 1: c.SampleIntervalSeconds = n; break;
                case 2: c.ReportIntervalSeconds = n; break;
                case 3: c.MaxBatchReadings = n; break;
                case 4: c.TemperatureOversampling = n; break;
                case 5: c.HumidityOversampling = n; break;
                case 6: c.PressureOversampling = n; break;
                case 7: c.FilterCoefficient = n; break;
                case 8: c.LowBatteryMillivolts = n; break;
                case 9: c.CriticalBatteryMillivolts = n; break;
                case 10: c.LowBatteryIntervalFactor = n; break;
                case 11: c.BackoffBaseSeconds = n; break;
                case 12: c.BackoffMaxSeconds = n; break;
                case 13: c.LightSleepBelowSeconds = n; break;
                case 14: c.ListenWindowMilliseconds = n; break;
                default: c.AckWaitMilliseconds = n; break;
            }
        }
    }
}
