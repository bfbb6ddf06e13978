using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>A clock the scenario moves by hand; uptime restarts at every boot.</summary>
    public class VirtualClock : IClock
    {
        public long UnixMillis = 1764000000000;
        public long BootMillis;

        public long UptimeMillis { get { return UnixMillis - BootMillis; } }
        public long UnixTimeSeconds { get { return UnixMillis / 1000; } }
        public bool IsTimeValid { get { return true; } }
    }

    /// <summary>Readings that wander with time, and a window in which the sensor does not answer.</summary>
    public class ScriptedSensor : IEnvironmentSensor
    {
        private readonly VirtualClock _clock;

        public ScriptedSensor(VirtualClock clock)
        {
            _clock = clock;
        }

        public long FailFromMillis = -1;
        public long FailUntilMillis = -1;

        public bool Configure(SensorSettings settings, out string fault)
        {
            fault = "";
            return true;
        }

        public bool TryMeasure(out EnvironmentSample sample, out string fault)
        {
            sample = new EnvironmentSample();
            if (_clock.UnixMillis >= FailFromMillis && _clock.UnixMillis < FailUntilMillis)
            {
                fault = "sensor.timeout";
                return false;
            }
            long minute = _clock.UnixMillis / 60000;
            sample.CentiCelsius = 2000 + (int)(minute * 7 % 300);
            sample.CentiPercentRh = 4000 + (int)(minute * 13 % 900);
            sample.Pascal = 100000 + (int)(minute * 3 % 700);
            fault = "";
            return true;
        }
    }

    public class FixedBattery : IBattery
    {
        public int Millivolts { get; set; }
    }

    /// <summary>A heap that dips by 64 bytes a read, seven reads deep, then recovers: the low-water mark is the deepest dip.</summary>
    public class SawtoothHeap : IMemoryGauge
    {
        private readonly long _top;
        private int _reads;

        public SawtoothHeap(long top) { _top = top; }

        public long FreeBytes { get { return _top - (_reads++ % 7) * 64; } }
    }
}
