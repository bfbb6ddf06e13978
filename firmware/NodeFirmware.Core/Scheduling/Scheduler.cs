using NodeFirmware.Core.Config;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Scheduling
{
    /// <summary>
    /// The power policy, as a pure function of the node's situation (docs/firmware-core.md, "Scheduling"):
    /// sample when a sample is due; flush when enough readings wait, the oldest waited a report interval,
    /// or the journal is three-quarters full, unless backing off or the battery is critical; otherwise
    /// sleep until the next of those, deep unless the wait is shorter than a boot is worth.
    /// </summary>
    public static class Scheduler
    {
        public static SchedulerDecision Decide(SchedulerInput input)
        {
            var c = input.Config;
            var decision = new SchedulerDecision();
            decision.Mode = ModeFor(input.BatteryMillivolts, c);

            long sampleInterval = SampleInterval(c, decision.Mode);
            long nextSample = input.LastSampleTime == 0 ? input.Now : input.LastSampleTime + sampleInterval;
            if (input.Now >= nextSample)
            {
                decision.Action = NodeAction.Sample;
                return decision;
            }

            long nextFlush = NextFlushTime(input, decision.Mode);
            if (nextFlush <= input.Now)
            {
                decision.Action = NodeAction.Flush;
                return decision;
            }

            long wake = IntMath.Min(nextSample, nextFlush);
            decision.Action = NodeAction.Sleep;
            decision.SleepSeconds = IntMath.Max(1, wake - input.Now);
            decision.Deep = decision.SleepSeconds >= c.LightSleepBelowSeconds;
            return decision;
        }

        public static PowerMode ModeFor(int batteryMillivolts, DeviceConfig c)
        {
            if (batteryMillivolts < 0) return PowerMode.Normal;
            if (batteryMillivolts <= c.CriticalBatteryMillivolts) return PowerMode.Critical;
            if (batteryMillivolts <= c.LowBatteryMillivolts) return PowerMode.Low;
            return PowerMode.Normal;
        }

        public static long SampleInterval(DeviceConfig c, PowerMode mode)
        {
            return (long)c.SampleIntervalSeconds * Stretch(c, mode);
        }

        public static long ReportInterval(DeviceConfig c, PowerMode mode)
        {
            return (long)c.ReportIntervalSeconds * Stretch(c, mode);
        }

        private static long Stretch(DeviceConfig c, PowerMode mode)
        {
            if (mode == PowerMode.Low) return c.LowBatteryIntervalFactor;
            if (mode == PowerMode.Critical) return (long)c.LowBatteryIntervalFactor * c.LowBatteryIntervalFactor;
            return 1;
        }

        /// <summary>When a flush is wanted (long.MaxValue: none).</summary>
        private static long NextFlushTime(SchedulerInput input, PowerMode mode)
        {
            if (input.Pending == 0 || mode == PowerMode.Critical) return long.MaxValue;
            var c = input.Config;
            long reportInterval = ReportInterval(c, mode);
            long perReport = IntMath.Max(1, reportInterval / SampleInterval(c, mode));
            bool enough = input.Pending >= perReport || input.Pending >= c.MaxBatchReadings || input.Pending * 4 >= input.Capacity * 3;
            long due = enough ? input.Now : input.OldestPendingTime + reportInterval;
            if (input.LinkFailedThisWake) due = IntMath.Max(due, input.Now + 1);
            return IntMath.Max(due, input.NextLinkAttemptTime);
        }
    }
}
