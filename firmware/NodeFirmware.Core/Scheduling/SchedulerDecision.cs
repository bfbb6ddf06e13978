namespace NodeFirmware.Core.Scheduling
{
    public struct SchedulerDecision
    {
        public NodeAction Action;
        public PowerMode Mode;

        /// <summary>For <see cref="NodeAction.Sleep"/>: how long.</summary>
        public long SleepSeconds;

        /// <summary>For <see cref="NodeAction.Sleep"/>: deep (RAM lost, full boot on wake) or light.</summary>
        public bool Deep;
    }
}
