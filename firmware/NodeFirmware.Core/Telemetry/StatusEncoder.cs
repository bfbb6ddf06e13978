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
        /// The status map. Fields at their usual value (not on trial, woken by the timer, normal power mode, nothing
        /// pending or dropped) are left out to keep the message that goes with every report short; absent means that value.
        /// </summary>
        public static byte[] Encode(NodeStatus s)
        {
            bool sleeping = s.State == "sleeping";
            bool wake = s.Wake != "timer";
            bool mode = s.PowerMode != "normal";
            bool resets = s.Brownouts != 0 || s.Watchdogs != 0 || s.Panics != 0;
            int entries = 7 + (wake ? 1 : 0) + (s.Trial ? 1 : 0) + (mode ? 1 : 0) + (s.Pending != 0 ? 1 : 0) + (s.Dropped != 0 ? 1 : 0) + (sleeping ? 1 : 0)
                + (s.Boots > 1 ? 1 : 0) + (resets ? 1 : 0) + (s.UptimeSeconds >= 0 ? 1 : 0) + (s.Reconnects >= 0 ? 1 : 0)
                + (s.HeapLowWater != 0 ? 1 : 0) + (s.WakeToPublish != null ? 1 : 0);
            var w = new CborWriter(160);
            w.WriteStartMap(entries);
            w.WriteText("v"); w.WriteInt32(1);
            w.WriteText("state"); w.WriteText(s.State);
            w.WriteText("fw"); w.WriteText(s.FirmwareVersion);
            w.WriteText("slot"); w.WriteText(s.Slot);
            if (s.Trial) { w.WriteText("trial"); w.WriteBoolean(true); }
            w.WriteText("e"); w.WriteUInt64(s.Epoch);
            if (wake) { w.WriteText("wake"); w.WriteText(s.Wake); }
            w.WriteText("bat"); w.WriteInt32(s.BatteryMillivolts);
            if (mode) { w.WriteText("mode"); w.WriteText(s.PowerMode); }
            if (s.Pending != 0) { w.WriteText("pending"); w.WriteInt32(s.Pending); }
            if (s.Dropped != 0) { w.WriteText("dropped"); w.WriteUInt64(s.Dropped); }
            w.WriteText("cfg"); w.WriteUInt64(s.ConfigRevision);
            if (sleeping) { w.WriteText("until"); w.WriteInt64(s.SleepUntil); }
            // Vitals: short keys, each left out at its usual value (one boot, no abnormal reset, not measured); rc is in
            // exactly the statuses that carry the hourly vitals, even at 0, so its absence says "not in this status".
            if (s.Boots > 1) { w.WriteText("boots"); w.WriteUInt64(s.Boots); }
            if (resets)
            {
                w.WriteText("rst");
                w.WriteStartArray(3);
                w.WriteUInt64(s.Brownouts); w.WriteUInt64(s.Watchdogs); w.WriteUInt64(s.Panics);
            }
            if (s.UptimeSeconds >= 0) { w.WriteText("up"); w.WriteInt64(s.UptimeSeconds); }
            if (s.Reconnects >= 0) { w.WriteText("rc"); w.WriteUInt64((ulong)s.Reconnects); }
            if (s.HeapLowWater != 0) { w.WriteText("heap"); w.WriteUInt64(s.HeapLowWater); }
            if (s.WakeToPublish != null)
            {
                w.WriteText("w2p");
                w.WriteStartArray(s.WakeToPublish.Length);
                foreach (int ms in s.WakeToPublish) w.WriteInt32(ms);
            }
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

        /// <summary>Reset boots since the journal's epoch began (1 = only the first); see VitalsTracker.</summary>
        public uint Boots = 1;
        public uint Brownouts;
        public uint Watchdogs;
        public uint Panics;

        /// <summary>Seconds since the last reset boot; -1 = unknown (left out).</summary>
        public long UptimeSeconds = -1;

        /// <summary>Reconnects since the epoch, set in every status that carries the hourly vitals; -1 = not in this status (left out).</summary>
        public long Reconnects = -1;

        /// <summary>Lowest free heap seen, bytes; 0 = not measured (left out).</summary>
        public uint HeapLowWater;

        /// <summary>This wake's time to its first PUBACK: total, Wi-Fi join, DHCP, TLS, MQTT connect, publish (ms, -1 = not told apart); null = not measured.</summary>
        public int[] WakeToPublish;
    }
}
