using NodeFirmware.Core.Config;
using NodeFirmware.Core.Scheduling;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// The scheduler's inputs ("config:" optional, a desired configuration in diagnostic notation applied to
    /// the defaults). Expect: "ACTION MODE SLEEP_SECONDS deep|light" (sleep fields 0 and "-" unless sleeping).
    /// </summary>
    public static class SchedulerCheck
    {
        public static string Compute(Vector v)
        {
            var input = new SchedulerInput();
            input.Config = Configs.FromVector(v);
            input.Now = v.Long("now");
            input.BatteryMillivolts = v.Int("battery_mv");
            input.Pending = v.Int("pending");
            input.Capacity = v.Int("capacity");
            input.LastSampleTime = v.Long("last_sample");
            input.OldestPendingTime = v.Long("oldest_pending");
            input.NextLinkAttemptTime = v.Long("next_link");
            input.LinkFailedThisWake = v.Int("link_failed") != 0;
            SchedulerDecision d = Scheduler.Decide(input);
            return Name(d.Action) + " " + Name(d.Mode) + " " + d.SleepSeconds + " " + (d.Action == NodeAction.Sleep ? (d.Deep ? "deep" : "light") : "-");
        }

        private static string Name(NodeAction a)
        {
            return a == NodeAction.Sample ? "sample" : a == NodeAction.Flush ? "flush" : "sleep";
        }

        private static string Name(PowerMode m)
        {
            return m == PowerMode.Normal ? "normal" : m == PowerMode.Low ? "low" : "critical";
        }
    }
}
