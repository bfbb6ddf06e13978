using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Telemetry
{
    /// <summary>The retained status message, version 1 (docs/formats/README.md).</summary>
    public static class StatusEncoder
    {
        public static byte[] Offline()
        {
            var w = new CborWriter(24);
            w.WriteStartMap(2);
            w.WriteText("v"); w.WriteInt32(1);
            w.WriteText("state"); w.WriteText("offline");
            return w.ToArray();
        }

        public static byte[] Encode(NodeStatus s)
        {
            var w = new CborWriter(160);
            w.WriteStartMap(s.State == "sleeping" ? 13 : 12);
            w.WriteText("v"); w.WriteInt32(1);
            w.WriteText("state"); w.WriteText(s.State);
            w.WriteText("fw"); w.WriteText(s.FirmwareVersion);
            w.WriteText("slot"); w.WriteText(s.Slot);
            w.WriteText("trial"); w.WriteBoolean(s.Trial);
            w.WriteText("e"); w.WriteUInt64(s.Epoch);
            w.WriteText("wake"); w.WriteText(s.Wake);
            w.WriteText("bat"); w.WriteInt32(s.BatteryMillivolts);
            w.WriteText("mode"); w.WriteText(s.PowerMode);
            w.WriteText("pending"); w.WriteInt32(s.Pending);
            w.WriteText("dropped"); w.WriteUInt64(s.Dropped);
            w.WriteText("cfg"); w.WriteUInt64(s.ConfigRevision);
            if (s.State == "sleeping") { w.WriteText("until"); w.WriteInt64(s.SleepUntil); }
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
