using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Telemetry
{
    /// <summary>What both telemetry batch versions take from the readings: the checks, the channels' values and the fault list.</summary>
    internal static class BatchReadings
    {
        public const int Temperature = 0, Humidity = 1, Pressure = 2, Battery = 3;

        /// <summary>Readings must be consecutive in sequence (reading k has sequence first + k).</summary>
        public static void RequireConsecutive(Reading[] readings, int start, int count)
        {
            if (count <= 0) throw new System.ArgumentException("a batch needs at least one reading");
            for (int k = 1; k < count; k++)
            {
                if (readings[start + k].Sequence != readings[start].Sequence + (uint)k)
                    throw new System.ArgumentException("readings in a batch must have consecutive sequence numbers");
            }
        }

        /// <summary>Channels in the batch: the three sensor channels, and the battery when the first reading has it.</summary>
        public static int ChannelCount(Reading[] readings, int start)
        {
            return readings[start].BatteryMillivolts >= 0 ? 4 : 3;
        }

        public static int CountFaults(Reading[] readings, int start, int count)
        {
            int faults = 0;
            for (int k = 0; k < count; k++) if (readings[start + k].Fault != SensorFault.None) faults++;
            return faults;
        }

        public static bool HasValue(Reading r, int channel)
        {
            return channel == Battery ? r.BatteryMillivolts >= 0 : r.Fault == SensorFault.None;
        }

        public static long ValueOf(Reading r, int channel)
        {
            switch (channel)
            {
                case Temperature: return r.Sample.CentiCelsius;
                case Humidity: return r.Sample.CentiPercentRh;
                case Pressure: return r.Sample.Pascal;
                default: return r.BatteryMillivolts;
            }
        }

        /// <summary>"f": [[sequence, code], …] for the faulty readings.</summary>
        public static void WriteFaults(CborWriter w, Reading[] readings, int start, int count, int faults)
        {
            w.WriteText("f");
            w.WriteStartArray(faults);
            for (int k = 0; k < count; k++)
            {
                var r = readings[start + k];
                if (r.Fault == SensorFault.None) continue;
                w.WriteStartArray(2);
                w.WriteUInt64(r.Sequence);
                w.WriteText(SensorFaultCodes.ToCode(r.Fault));
            }
        }

        /// <summary>
        /// Checks the readings and opens the batch map with the entries both versions start with (version, epoch, first
        /// sequence, first time, and for version 1 the device); <paramref name="entries"/> counts the map's entries
        /// without "f". A null <paramref name="deviceId"/> leaves "d" out: version 2 takes the device from the topic.
        /// </summary>
        public static CborWriter Start(int version, int entries, string deviceId, uint bootEpoch, Reading[] readings, int start, int count, out int faults)
        {
            RequireConsecutive(readings, start, count);
            faults = CountFaults(readings, start, count);
            var w = new CborWriter(64 + count * 12);
            w.WriteStartMap(faults > 0 ? entries + 1 : entries);
            Reading first = readings[start];
            w.WriteText("v"); w.WriteInt32(version);
            if (deviceId != null) { w.WriteText("d"); w.WriteText(deviceId); }
            w.WriteText("e"); w.WriteUInt64(bootEpoch);
            w.WriteText("s"); w.WriteUInt64(first.Sequence);
            w.WriteText("t"); w.WriteUInt64(first.UnixTime);
            return w;
        }
    }
}
