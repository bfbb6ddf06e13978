using NodeFirmware.Core.Config;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Link;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Storage;
using NodeFirmware.Core.Tests.Support;
using NodeFirmware.Core.Vectors.Checks;

namespace NodeFirmware.Core.Tests.Node;

/// <summary>
/// The retained "online" birth is owed from a reset until the broker acknowledged it, across deep sleeps without a
/// connection, and power cuts at any flash write neither lose a reset's birth nor send a delivered one again.
/// </summary>
public class NodeAppBirthTests
{
    private const long Minute = 60_000;
    private const string Status = "nodes/esp32-00aa00bb00cc/status";

    /// <summary>A node on a NOR flash behind a broker that may be down; every "online" it publishes is noted with the wake it says.</summary>
    private sealed class Rig
    {
        public readonly ManualClock Clock = new();
        public readonly NorFlash Flash;
        public readonly List<(long At, string Wake)> Births = new();
        public readonly List<string> StatusStates = new();
        public bool BrokerUp = true;
        public bool DropNextBirthPuback;
        public bool LoseLinkAtNextPublish; // the connection breaks at the next publish, and the broker stays away
        public int Boots;
        public long BootWrites; // flash writes NodeApp made during its last boot
        public readonly List<long> BirthPubackWrites = new(); // how many writes each birth's PUBACK made
        public long DueWrite = -1; // index of the write that made the birth due (set by the script)
        public long ClearingWrite = -1; // index of the first write the last birth's PUBACK made
        public NodeApp App = null!;

        public Rig(int seed = 1) { Flash = new NorFlash(16 * 4096, 4096, seed); }

        public void Boot(WakeCause cause)
        {
            Boots++;
            Clock.BootMillis = Clock.UnixTimeMillis;
            long before = Flash.Writes;
            var platform = new NodePlatform(Clock, Flash, new ScriptedSensor(), new FixedBattery(), new Random(5));
            App = new NodeApp(platform, new NodeIdentity("esp32-00aa00bb00cc", "1.0.0", "A", false), new DeviceConfig());
            App.Boot(cause);
            BootWrites = Flash.Writes - before;
        }

        public void RunFor(long millis)
        {
            long until = Clock.UnixTimeMillis + millis;
            while (Clock.UnixTimeMillis < until)
            {
                var r = App.Next();
                if (r.Kind == HostRequestKind.Connect)
                {
                    Clock.Advance(1500);
                    if (BrokerUp) App.OnConnected(); else App.OnConnectFailed("unreachable");
                }
                else if (r.Kind == HostRequestKind.Publish) Publish(r.Messages);
                else if (r.Kind == HostRequestKind.Listen) Clock.Advance(r.ListenMilliseconds);
                else if (r.Kind == HostRequestKind.Sleep)
                {
                    Clock.Advance(r.SleepMilliseconds);
                    if (r.DeepSleep) Boot(WakeCause.DeepSleepTimer);
                }
            }
        }

        private void Publish(OutboundMessage[] messages)
        {
            foreach (var m in messages)
            {
                Clock.Advance(20);
                if (LoseLinkAtNextPublish) { LoseLinkAtNextPublish = false; BrokerUp = false; }
                if (!BrokerUp) { App.OnLinkLost("gone"); return; }
                string? birth = m.Topic == Status ? NodeCheck.BirthWake(m.Payload) : null;
                if (m.Topic == Status) StatusStates.Add(birth == null ? "sleeping" : "online");
                if (birth != null && DropNextBirthPuback) { DropNextBirthPuback = false; App.OnLinkLost("no PUBACK"); return; }
                if (birth != null) Births.Add((Clock.UnixTimeMillis, birth));
                long before = Flash.Writes;
                App.OnPublishAcked(m.Token);
                if (birth != null) { BirthPubackWrites.Add(Flash.Writes - before); ClearingWrite = before; }
            }
        }

        /// <summary>The counters as the journal holds them (in NodeApp's layout: two configuration sectors, then the journal).</summary>
        public VitalsCounters Stored() => new Journal(new FlashWindow(Flash, 2, Flash.Size / Flash.SectorSize - 2), new Random(1)).Vitals;
    }

    [Fact]
    public void A_brownout_whose_network_is_down_until_after_deep_sleeps_is_reported_at_the_first_connection_and_only_then()
    {
        var rig = new Rig { BrokerUp = false };
        rig.Boot(WakeCause.PowerOn);
        rig.Boot(WakeCause.Brownout);
        Assert.Equal(1, rig.BootWrites); // the birth becomes due in the counters' record the reset writes anyway
        rig.RunFor(90 * Minute);
        Assert.True(rig.Boots > 10, $"{rig.Boots} boots: the node should have deep-slept through the outage");
        Assert.Empty(rig.Births);
        var owed = rig.Stored();
        Assert.True(owed.BirthDue);
        Assert.Equal(WakeCause.Brownout, owed.BirthWake);

        rig.BrokerUp = true;
        long up = rig.Clock.UnixTimeMillis;
        rig.RunFor(4 * 60 * Minute);
        Assert.Equal(["brownout"], rig.Births.Select(b => b.Wake));
        Assert.Equal("online", rig.StatusStates[0]);
        Assert.Equal([1L], rig.BirthPubackWrites); // one write clears it
        Assert.False(rig.Stored().BirthDue);
        Assert.Equal((2u, 1u), (rig.Stored().Boots, rig.Stored().Brownouts));
        Assert.True(rig.Births[0].At > up);
        Assert.True(rig.StatusStates.Count > 3, "later reports went out");
        Assert.All(rig.StatusStates.Skip(1), s => Assert.Equal("sleeping", s));
    }

    [Fact]
    public void A_timer_wake_with_nothing_owed_writes_nothing_and_sends_no_birth()
    {
        var rig = new Rig();
        rig.Boot(WakeCause.PowerOn);
        rig.RunFor(60 * Minute);
        Assert.Equal(["power-on"], rig.Births.Select(b => b.Wake));
        rig.Boot(WakeCause.DeepSleepTimer);
        Assert.Equal(0, rig.BootWrites);
        rig.RunFor(60 * Minute);
        Assert.Single(rig.Births);
    }

    [Fact]
    public void Several_resets_before_a_connection_send_one_birth_with_the_latest_and_count_every_one()
    {
        var rig = new Rig { BrokerUp = false };
        rig.Boot(WakeCause.Brownout);
        rig.RunFor(20 * Minute);
        rig.Boot(WakeCause.Watchdog);
        rig.RunFor(20 * Minute);
        rig.Boot(WakeCause.Panic);
        rig.RunFor(20 * Minute);
        rig.BrokerUp = true;
        rig.RunFor(3 * 60 * Minute);
        Assert.Equal(["panic"], rig.Births.Select(b => b.Wake));
        var stored = rig.Stored();
        Assert.Equal((3u, 1u, 1u, 1u), (stored.Boots, stored.Brownouts, stored.Watchdogs, stored.Panics));
    }

    [Fact]
    public void A_birth_whose_puback_never_came_is_sent_again_after_a_deep_sleep()
    {
        var rig = new Rig { DropNextBirthPuback = true };
        rig.Boot(WakeCause.Watchdog);
        rig.RunFor(4 * 60 * Minute);
        Assert.Equal(["watchdog"], rig.Births.Select(b => b.Wake));
        Assert.Equal("online", rig.StatusStates[0]);
        Assert.Equal("online", rig.StatusStates[1]); // the first, unacknowledged, and its resend at a later connection
        Assert.False(rig.Stored().BirthDue);
    }

    [Fact]
    public void A_connection_lost_on_a_timer_wake_owes_a_birth_that_survives_deep_sleep()
    {
        var rig = new Rig();
        rig.Boot(WakeCause.PowerOn);
        rig.RunFor(30 * Minute);
        Assert.Single(rig.Births);
        rig.Boot(WakeCause.DeepSleepTimer);
        // The connection breaks while the node publishes: the will says "offline", and the node owes "online".
        rig.LoseLinkAtNextPublish = true;
        rig.RunFor(60 * Minute);
        Assert.False(rig.LoseLinkAtNextPublish);
        int boots = rig.Boots;
        rig.RunFor(60 * Minute);
        Assert.True(rig.Boots > boots, "the node did not deep-sleep while the broker was away");
        Assert.True(rig.Stored().BirthDue);
        Assert.Single(rig.Births);
        rig.BrokerUp = true;
        rig.RunFor(3 * 60 * Minute);
        Assert.Equal(["power-on", "timer"], rig.Births.Select(b => b.Wake));
    }

    /// <summary>
    /// The scripted life: a brown-out, an hour without network (deep sleeps), the network back, two more hours. A power
    /// cut tears one write; the flash is then read back by a timer wake (what it owes is exactly what was stored) and by
    /// a power-on (what a cut really is): neither loses the birth nor sends a delivered one again.
    /// </summary>
    [Fact]
    public void A_power_cut_at_any_flash_write_neither_loses_the_birth_nor_repeats_a_delivered_one()
    {
        static Rig Script(Rig rig)
        {
            rig.BrokerUp = false;
            rig.Boot(WakeCause.Brownout);
            rig.DueWrite = rig.Flash.Writes - 1;
            rig.RunFor(60 * Minute);
            rig.BrokerUp = true;
            rig.RunFor(2 * 60 * Minute);
            return rig;
        }

        var reference = Script(new Rig());
        Assert.Single(reference.Births);
        long total = reference.Flash.Writes, due = reference.DueWrite, cleared = reference.ClearingWrite;
        Assert.True(due >= 0 && cleared > due, $"due at write {due}, cleared at {cleared}");

        for (long cut = 0; cut < total; cut++)
        {
            foreach (var restart in new[] { WakeCause.DeepSleepTimer, WakeCause.PowerOn })
            {
                var rig = new Rig(seed: (int)cut);
                rig.Flash.CutAtWrite = cut;
                Assert.Throws<NodeSim.Hardware.PowerCutException>(() => Script(rig));
                rig.Flash.CutAtWrite = -1;
                rig.BrokerUp = true;
                int birthsBefore = rig.Births.Count;
                bool owed = cut > due && cut <= cleared;
                Assert.True(owed == rig.Stored().BirthDue, $"cut at write {cut} of {total} (due at {due}, cleared at {cleared}): owed {rig.Stored().BirthDue}");
                rig.Boot(restart);
                rig.RunFor(3 * 60 * Minute);
                var after = rig.Births.Skip(birthsBefore).Select(b => b.Wake).ToList();
                string[] expected = restart == WakeCause.PowerOn ? ["power-on"] : owed ? ["brownout"] : [];
                Assert.True(expected.SequenceEqual(after), $"cut at write {cut}, restart {restart}: births [{string.Join(" ", after)}], expected [{string.Join(" ", expected)}]");
                if (cut > due) Assert.Equal(1u, rig.Stored().Brownouts);
            }
        }
    }
}
