namespace NodeFirmware.Core.Energy
{
    /// <summary>Charge per day by phase, in mAh, and the battery life it gives.</summary>
    public class EnergyEstimate
    {
        public double BootMah;
        public double SampleMah;
        public double ConnectMah;
        public double PublishMah;
        public double ListenMah;
        public double SleepMah;

        /// <summary>Connection attempts that failed, each charged at its bound (<see cref="Link.ConnectLimits"/>).</summary>
        public double FailedConnectMah;

        public double TotalMahPerDay { get { return BootMah + SampleMah + ConnectMah + PublishMah + ListenMah + SleepMah + FailedConnectMah; } }

        /// <summary>Days on a full battery (usable share of its capacity); 0 when the profile has no battery.</summary>
        public double BatteryLifeDays;

        /// <summary>Average current over the day, mA.</summary>
        public double AverageMilliamps { get { return TotalMahPerDay / 24.0; } }
    }
}
