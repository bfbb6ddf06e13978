namespace NodeFirmware.Core.Scheduling
{
    public enum PowerMode
    {
        Normal = 0,

        /// <summary>Battery low: sampling and reporting intervals stretched.</summary>
        Low = 1,

        /// <summary>Battery critical: no radio at all; samples go to the journal (stretched further).</summary>
        Critical = 2,
    }
}
