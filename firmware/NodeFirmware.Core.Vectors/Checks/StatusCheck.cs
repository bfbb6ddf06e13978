using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// The status message (StatusEncoder) from "state", "fw", "epoch", "bat", "cfg" and, each optional, "wake"
    /// (absent: power-on), "until", "pending", "dropped", "boots", "rst: BROWNOUTS WATCHDOGS PANICS", "up", "rc",
    /// "heap", "w2p: TOTAL WIFI DHCP TLS MQTT PUBLISH". Expect: the message in hex.
    /// </summary>
    public static class StatusCheck
    {
        public static string Compute(Vector v)
        {
            var s = new NodeStatus();
            s.State = v.Text("state");
            s.FirmwareVersion = v.Text("fw");
            s.Epoch = (uint)v.Long("epoch");
            if (v.Has("wake")) s.Wake = v.Text("wake");
            s.BatteryMillivolts = v.Int("bat");
            s.ConfigRevision = (uint)v.Long("cfg");
            if (v.Has("until")) s.SleepUntil = v.Long("until");
            if (v.Has("pending")) s.Pending = v.Int("pending");
            if (v.Has("dropped")) s.Dropped = (uint)v.Long("dropped");
            if (v.Has("boots")) s.Boots = (uint)v.Long("boots");
            if (v.Has("rst"))
            {
                string[] f = Fields.Split(v.Text("rst"), 3, v.Name + ".rst");
                s.Brownouts = (uint)HexText.ParseLong(f[0], v.Name);
                s.Watchdogs = (uint)HexText.ParseLong(f[1], v.Name);
                s.Panics = (uint)HexText.ParseLong(f[2], v.Name);
            }
            if (v.Has("up")) s.UptimeSeconds = v.Long("up");
            if (v.Has("rc")) s.Reconnects = v.Long("rc");
            if (v.Has("heap")) s.HeapLowWater = (uint)v.Long("heap");
            if (v.Has("w2p"))
            {
                string[] f = Fields.Split(v.Text("w2p"), 6, v.Name + ".w2p");
                s.WakeToPublish = new int[6];
                for (int i = 0; i < 6; i++) s.WakeToPublish[i] = (int)HexText.ParseLong(f[i], v.Name);
            }
            return HexText.Encode(StatusEncoder.Encode(s));
        }
    }
}
