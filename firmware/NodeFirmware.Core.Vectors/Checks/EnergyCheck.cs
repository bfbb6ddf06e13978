using NodeFirmware.Core.Energy;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// A power profile ("profile: BOOT_MS BOOT_MA SAMPLE_MS SAMPLE_MA WIFI_MS WIFI_MA TLS_MS TLS_MA PUB_MS_MSG
    /// PUB_MS_KB RADIO_MA LIGHT_MA DEEP_MA CAPACITY_MAH", decimals as integer micro-units: 1500000 = 1.5), a
    /// configuration ("config:" as in the scheduler's vectors), the batch size in bytes and, optionally,
    /// "link_failures: PERCENT wifi|broker" (connection attempts that fail, and where) and, optionally,
    /// "reuse: none|firmware" with "dhcp_ms: MICRO" (what a wake reuses, Core's WakeToPublish), and, optionally,
    /// "w2p: TOTAL JOIN DHCP TLS CONNECT PUBLISH" (a wake the device measured, ms as in the status's vitals). Expect: with reuse,
    /// first the wake's phases in micro-ms ("wake JOIN DHCP TLS CONNECT SUBSCRIBE PUBLISH"), then the mAh per
    /// day of each phase and in total, in micro-mAh, and the battery life in hundredths of a day.
    /// </summary>
    public static class EnergyCheck
    {
        public static string Compute(Vector v)
        {
            PowerProfile p = Profile(v);
            DutyCycle d = EnergyModel.ForConfig(Configs.FromVector(v), v.Int("batch_bytes"));
            if (v.Has("link_failures"))
            {
                string[] f = Fields.Split(v.Text("link_failures"), 2, v.Name + ".link_failures");
                d = EnergyModel.WithLinkFailures(d, HexText.ParseLong(f[0], v.Name) / 100.0, f[1] == "wifi");
            }
            string wake = "";
            if (v.Has("reuse"))
            {
                NetworkReuse reuse = v.Text("reuse") == "firmware" ? NetworkReuse.Firmware(Configs.FromVector(v)) : NetworkReuse.None();
                p.DhcpMilliseconds = Unit(v.Text("dhcp_ms"));
                WakePhases w = WakeToPublish.Phases(p, reuse);
                wake = "wake " + Micro(w.WifiJoinMilliseconds) + " " + Micro(w.DhcpMilliseconds) + " " + Micro(w.TlsHandshakeMilliseconds)
                    + " " + Micro(w.MqttConnectMilliseconds) + " " + Micro(w.SubscribeMilliseconds) + " " + Micro(w.PublishMilliseconds) + " ";
                p = WakeToPublish.ProfileWith(p, reuse);
                d = WakeToPublish.DutyWith(d, reuse);
            }
            if (v.Has("w2p"))
            {
                string[] f = Fields.Split(v.Text("w2p"), 6, v.Name + ".w2p");
                var w2p = new int[6];
                for (int i = 0; i < 6; i++) w2p[i] = (int)HexText.ParseLong(f[i], v.Name);
                WakePhases w = WakeToPublish.FromVitals(w2p);
                wake += "measured " + Micro(w.WifiJoinMilliseconds) + " " + Micro(w.DhcpMilliseconds) + " " + Micro(w.TlsHandshakeMilliseconds)
                    + " " + Micro(w.MqttConnectMilliseconds) + " " + Micro(w.PublishMilliseconds) + " ";
                p = WakeToPublish.ProfileWith(p, w);
            }
            EnergyEstimate e = EnergyModel.Estimate(p, d);
            return wake + "boot " + Micro(e.BootMah) + " sample " + Micro(e.SampleMah) + " connect " + Micro(e.ConnectMah)
                + " publish " + Micro(e.PublishMah) + " listen " + Micro(e.ListenMah) + " sleep " + Micro(e.SleepMah) + " failed " + Micro(e.FailedConnectMah)
                + " total " + Micro(e.TotalMahPerDay) + " days_x100 " + (long)(e.BatteryLifeDays * 100 + 0.5);
        }

        private static PowerProfile Profile(Vector v)
        {
            string[] f = Fields.Split(v.Text("profile"), 14, v.Name + ".profile");
            var p = new PowerProfile();
            p.BootMilliseconds = Unit(f[0]); p.BootMilliamps = Unit(f[1]);
            p.SampleMilliseconds = Unit(f[2]); p.SampleMilliamps = Unit(f[3]);
            p.WifiConnectMilliseconds = Unit(f[4]); p.WifiConnectMilliamps = Unit(f[5]);
            p.TlsHandshakeMilliseconds = Unit(f[6]); p.TlsHandshakeMilliamps = Unit(f[7]);
            p.PublishMillisecondsPerMessage = Unit(f[8]); p.PublishMillisecondsPerKilobyte = Unit(f[9]);
            p.RadioActiveMilliamps = Unit(f[10]); p.LightSleepMilliamps = Unit(f[11]); p.DeepSleepMilliamps = Unit(f[12]);
            p.BatteryCapacityMilliampHours = Unit(f[13]);
            return p;
        }

        private static double Unit(string micro)
        {
            return HexText.ParseLong(micro, "profile") / 1000000.0;
        }

        private static long Micro(double mah)
        {
            return (long)(mah * 1000000 + 0.5);
        }
    }
}
