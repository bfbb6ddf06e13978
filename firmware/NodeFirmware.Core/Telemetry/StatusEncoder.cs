using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Telemetry
{
    /// <summary>The retained status message, version 1 (docs/formats/README.md).</summary>
    public static class StatusEncoder
    {
        /// <summary>
        /// The last will: the CBOR text string "offline". Its bytes are plain ASCII ("goffline"), because the
        /// device's MQTT client takes the will as a string; readers accept it in place of a status map.
        /// </summary>
        public static byte[] Offline()
        {
            var w = new CborWriter(8);
            w.WriteText("offline");
            return w.ToArray();
        }

        /// <summary>
        /// The status map. Fields at their usual value (not on trial, normal power mode, nothing pending or
        /// dropped) are left out to keep the message that goes with every report short; absent means that value.
        /// </summary>
        public static byte[] Encode(NodeStatus s)
        {
            bool sleeping = s.State == "sleeping";
            bool mode = s.PowerMode != "normal";
            int entries = 8 + (s.Trial ? 1 : 0) + (mode ? 1 : 0) + (s.Pending != 0 ? 1 : 0) + (s.Dropped != 0 ? 1 : 0) + (sleeping ? 1 : 0);
            var w = new CborWriter(128);
            w.WriteStartMap(entries);
            w.WriteText("v"); w.WriteInt32(1);
            w.WriteText("state"); w.WriteText(s.State);
            w.WriteText("fw"); w.WriteText(s.FirmwareVersion);
            w.WriteText("slot"); w.WriteText(s.Slot);
            if (s.Trial) { w.WriteText("trial"); w.WriteBoolean(true); }
            w.WriteText("e"); w.WriteUInt64(s.Epoch);
            w.WriteText("wake"); w.WriteText(s.Wake);
            w.WriteText("bat"); w.WriteInt32(s.BatteryMillivolts);
            if (mode) { w.WriteText("mode"); w.WriteText(s.PowerMode); }
            if (s.Pending != 0) { w.WriteText("pending"); w.WriteInt32(s.Pending); }
            if (s.Dropped != 0) { w.WriteText("dropped"); w.WriteUInt64(s.Dropped); }
            w.WriteText("cfg"); w.WriteUInt64(s.ConfigRevision);
            if (sleeping) { w.WriteText("until"); w.WriteInt64(s.SleepUntil); }
            return w.ToArray();
        }
    }

    public class NodeStatus
    {
        public string State = "online";
        public string FirmwareVersion = "0.0.0";
        public string Slot = "A";
        public bool Trial;
        public uint Epoch;
        public string Wake = "power-on";
        public int BatteryMillivolts = -1;
        public string PowerMode = "normal";
        public int Pending;
        public uint Dropped;
        public uint ConfigRevision;
        public long SleepUntil;
    }
}
