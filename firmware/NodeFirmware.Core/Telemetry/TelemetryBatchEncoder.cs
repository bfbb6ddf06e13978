using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Telemetry
{
    /// <summary>
    /// Encodes consecutive readings as a telemetry batch, version 1 (docs/formats/README.md): columnar,
    /// scaled integers, each value the difference to the previous present value of its channel. Devices
    /// now send version 2 (<see cref="PackedBatchEncoder"/>); this one stays for the receiver's and the
    /// virtual node's tests of what devices in the field still send.
    /// </summary>
    public static class TelemetryBatchEncoder
    {
        public const int SchemaVersion = 1;

        /// <summary>Readings must be consecutive in sequence (reading k has sequence first + k).</summary>
        public static byte[] Encode(string deviceId, uint bootEpoch, Reading[] readings, int start, int count)
        {
            int faults;
            CborWriter w = BatchReadings.Start(SchemaVersion, 7, deviceId, bootEpoch, readings, start, count, out faults);

            w.WriteText("dt");
            w.WriteStartArray(count);
            for (int k = 0; k < count; k++)
            {
                uint previous = k == 0 ? readings[start].UnixTime : readings[start + k - 1].UnixTime;
                long delta = (long)readings[start + k].UnixTime - previous;
                w.WriteInt64(delta);
            }

            int channels = BatchReadings.ChannelCount(readings, start);
            w.WriteText("c");
            w.WriteStartArray(channels);
            WriteChannel(w, "temperature", "Cel", -2, readings, start, count, BatchReadings.Temperature);
            WriteChannel(w, "humidity", "%RH", -2, readings, start, count, BatchReadings.Humidity);
            WriteChannel(w, "pressure", "Pa", 0, readings, start, count, BatchReadings.Pressure);
            if (channels > 3) WriteChannel(w, "battery", "V", -3, readings, start, count, BatchReadings.Battery);

            if (faults > 0) BatchReadings.WriteFaults(w, readings, start, count, faults);
            return w.ToArray();
        }

        private static void WriteChannel(CborWriter w, string name, string unit, int exponent, Reading[] readings, int start, int count, int channel)
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
                if (!BatchReadings.HasValue(r, channel))
                {
                    w.WriteNull();
                    continue;
                }
                long value = BatchReadings.ValueOf(r, channel);
                w.WriteInt64(havePrevious ? value - previous : value);
                previous = value;
                havePrevious = true;
            }
        }
    }
}
