using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Telemetry
{
    /// <summary>
    /// Encodes consecutive readings as a telemetry batch, version 1 (docs/formats/README.md): columnar,
    /// scaled integers, each value the difference to the previous present value of its channel.
    /// </summary>
    public static class TelemetryBatchEncoder
    {
        public const int SchemaVersion = 1;

        /// <summary>Readings must be consecutive in sequence (reading k has sequence first + k).</summary>
        public static byte[] Encode(string deviceId, uint bootEpoch, Reading[] readings, int start, int count)
        {
            if (count <= 0) throw new System.ArgumentException("a batch needs at least one reading");
            for (int k = 1; k < count; k++)
            {
                if (readings[start + k].Sequence != readings[start].Sequence + (uint)k)
                    throw new System.ArgumentException("readings in a batch must have consecutive sequence numbers");
            }

            bool hasBattery = readings[start].BatteryMillivolts >= 0;
            int faults = 0;
            for (int k = 0; k < count; k++) if (readings[start + k].Fault != SensorFault.None) faults++;

            var w = new CborWriter(64 + count * 12);
            w.WriteStartMap(faults > 0 ? 8 : 7);
            w.WriteText("v"); w.WriteInt32(SchemaVersion);
            w.WriteText("d"); w.WriteText(deviceId);
            w.WriteText("e"); w.WriteUInt64(bootEpoch);
            w.WriteText("s"); w.WriteUInt64(readings[start].Sequence);
            w.WriteText("t"); w.WriteUInt64(readings[start].UnixTime);

            w.WriteText("dt");
            w.WriteStartArray(count);
            for (int k = 0; k < count; k++)
            {
                uint previous = k == 0 ? readings[start].UnixTime : readings[start + k - 1].UnixTime;
                long delta = (long)readings[start + k].UnixTime - previous;
                w.WriteInt64(delta);
            }

            w.WriteText("c");
            w.WriteStartArray(hasBattery ? 4 : 3);
            WriteChannel(w, "temperature", "Cel", -2, readings, start, count, Channel.Temperature);
            WriteChannel(w, "humidity", "%RH", -2, readings, start, count, Channel.Humidity);
            WriteChannel(w, "pressure", "Pa", 0, readings, start, count, Channel.Pressure);
            if (hasBattery) WriteChannel(w, "battery", "V", -3, readings, start, count, Channel.Battery);

            if (faults > 0)
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
            return w.ToArray();
        }

        private enum Channel { Temperature, Humidity, Pressure, Battery }

        private static void WriteChannel(CborWriter w, string name, string unit, int exponent, Reading[] readings, int start, int count, Channel channel)
        {
            w.WriteStartMap(4);
            w.WriteText("n"); w.WriteText(name);
            w.WriteText("u"); w.WriteText(unit);
            w.WriteText("x"); w.WriteInt32(exponent);
            w.WriteText("d");
            w.WriteStartArray(count);
            bool havePrevious = false;
            long previous = 0;
            for (int k = 0; k < count; k++)
            {
                var r = readings[start + k];
                bool present = channel == Channel.Battery ? r.BatteryMillivolts >= 0 : r.Fault == SensorFault.None;
                if (!present)
                {
                    w.WriteNull();
                    continue;
                }
                long value = ValueOf(r, channel);
                w.WriteInt64(havePrevious ? value - previous : value);
                previous = value;
                havePrevious = true;
            }
        }

        private static long ValueOf(Reading r, Channel channel)
        {
            switch (channel)
            {
                case Channel.Temperature: return r.Sample.CentiCelsius;
                case Channel.Humidity: return r.Sample.CentiPercentRh;
                case Channel.Pressure: return r.Sample.Pascal;
                default: return r.BatteryMillivolts;
            }
        }
    }
}
