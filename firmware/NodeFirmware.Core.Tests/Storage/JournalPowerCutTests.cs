using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Storage;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Core.Tests.Support;
using NodeFirmware.Core.Vectors.Checks;

namespace NodeFirmware.Core.Tests.Storage;

public class JournalPowerCutTests
{
    private const int SectorSize = 512; // 15 slots a sector keeps the scripted run short and wraps the ring often
    private const int Sectors = 4;

    /// <summary>The vector check's scripted run (appends, releases, link-state saves), wrapping the ring several times.</summary>
    private static void ScriptedRun(IFlash flash, List<uint> stored, ref uint released, int steps)
    {
        var list = new System.Collections.ArrayList();
        try
        {
            JournalCheck.Run(flash, list, ref released, steps);
        }
        finally
        {
            stored.AddRange(list.Cast<uint>());
        }
    }

    [Fact]
    public void Without_power_cuts_every_unreleased_reading_is_pending_in_order()
    {
        var flash = new NorFlash(SectorSize * Sectors, SectorSize);
        var stored = new List<uint>();
        uint released = 0;
        ScriptedRun(flash, stored, ref released, 40);
        var journal = new Journal(flash, new Random(1));
        var pending = new Reading[100];
        int n = journal.ReadPending(pending, 100);
        var expected = stored.Where(s => s > released).ToArray();
        Assert.Equal(expected, pending.Take(n).Select(r => r.Sequence).ToArray());
        Assert.Equal(expected.Length, journal.PendingCount);
        Assert.Equal(released, journal.ReleasedThrough);
    }

    [Fact]
    public void A_power_cut_at_any_write_loses_no_stored_reading_and_duplicates_none()
    {
        const int steps = 150; // wraps the 4-sector ring several times
        var reference = new NorFlash(SectorSize * Sectors, SectorSize);
        var ignored = new List<uint>();
        uint r0 = 0;
        ScriptedRun(reference, ignored, ref r0, steps);
        long totalWrites = reference.Writes;
        Assert.True(totalWrites > 150);

        for (long cut = 0; cut < totalWrites; cut++)
        {
            var flash = new NorFlash(SectorSize * Sectors, SectorSize, seed: (int)cut) { CutAtWrite = cut };
            var stored = new List<uint>();
            uint released = 0;
            uint epochBefore = 0;
            Assert.Throws<PowerCutException>(() => ScriptedRun(flash, stored, ref released, steps));
            flash.CutAtWrite = -1;

            var recovered = new Journal(flash, new Random(99));
            var pending = new Reading[Sectors * SectorSize / 32];
            int n = recovered.ReadPending(pending, pending.Length);
            var sequences = pending.Take(n).Select(r => r.Sequence).ToList();

            Assert.True(sequences.Distinct().Count() == sequences.Count, $"cut {cut}: a reading is pending twice");
            Assert.True(n <= recovered.Capacity, $"cut {cut}: over the bound");
            Assert.Equal(n, recovered.PendingCount);
            Assert.True(recovered.ReleasedThrough >= released, $"cut {cut}: a release that returned was forgotten");
            // Every reading whose Append returned and that was not released is still there, unless the
            // full ring dropped it (counted), and no sequence number is reused afterwards.
            var lost = stored.Where(s => s > recovered.ReleasedThrough && !sequences.Contains(s)).ToList();
            Assert.True(lost.Count <= recovered.DroppedTotal, $"cut {cut}: lost {lost.Count} stored readings, dropped {recovered.DroppedTotal}");
            if (stored.Count > 0) Assert.True(recovered.NextSequence > stored.Max(), $"cut {cut}: sequence would be reused");
            _ = epochBefore;

            // The journal keeps working after the cut.
            var next = recovered.Append(new Reading { UnixTime = 1, BatteryMillivolts = 3000 }, true);
            var again = new Journal(flash, new Random(5));
            var after = new Reading[pending.Length];
            int m = again.ReadPending(after, after.Length);
            Assert.Contains(next, after.Take(m).Select(r => r.Sequence));
            Assert.Equal(recovered.Epoch, again.Epoch);
        }
    }

    [Fact]
    public void When_full_the_oldest_readings_are_dropped_and_counted()
    {
        var flash = new NorFlash(SectorSize * Sectors, SectorSize);
        var journal = new Journal(flash, new Random(3));
        int total = journal.Capacity + 40;
        for (int i = 0; i < total; i++) journal.Append(new Reading { UnixTime = (uint)i, BatteryMillivolts = -1 }, false);
        Assert.True(journal.PendingCount <= journal.Capacity);
        Assert.Equal(total, journal.PendingCount + (int)journal.DroppedTotal);
        var pending = new Reading[journal.Capacity];
        int n = journal.ReadPending(pending, pending.Length);
        Assert.Equal((uint)total, pending[n - 1].Sequence); // the newest survive
        var reopened = new Journal(flash, new Random(4));
        Assert.Equal(journal.DroppedTotal, reopened.DroppedTotal);
        Assert.Equal(journal.PendingCount, reopened.PendingCount);
    }

    [Fact]
    public void An_empty_journal_starts_a_new_nonzero_epoch_and_keeps_it()
    {
        var flash = new NorFlash(SectorSize * Sectors, SectorSize);
        var a = new Journal(flash, new Random(11));
        Assert.NotEqual(0u, a.Epoch);
        a.Append(new Reading { BatteryMillivolts = -1 }, false);
        var b = new Journal(flash, new Random(12));
        Assert.Equal(a.Epoch, b.Epoch);
        Assert.Equal(2u, b.NextSequence);
        var other = new Journal(new NorFlash(SectorSize * Sectors, SectorSize), new Random(12));
        Assert.NotEqual(a.Epoch, other.Epoch);
    }
}
