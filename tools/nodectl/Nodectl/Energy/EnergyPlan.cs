using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Nodectl.Energy;

/// <summary>
/// The energy budget of a board running NodeFirmware's policy for a configuration, next to the naive
/// connect-per-reading design. Message sizes come from Core's own telemetry encoder.
/// </summary>
public sealed class EnergyPlan
{
    private EnergyPlan(PowerProfile profile, DeviceConfig config, int batchBytes, int singleReadingBytes, DutyCycle ours, DutyCycle baseline)
    {
        Profile = profile;
        Config = config;
        BatchMessageBytes = batchBytes;
        SingleReadingMessageBytes = singleReadingBytes;
        Duty = ours;
        BaselineDuty = baseline;
        Estimate = EnergyModel.Estimate(profile, ours);
        Baseline = EnergyModel.Estimate(profile, baseline);
    }

    public PowerProfile Profile { get; }
    public DeviceConfig Config { get; }
    public int BatchMessageBytes { get; }
    public int SingleReadingMessageBytes { get; }
    public DutyCycle Duty { get; }
    public DutyCycle BaselineDuty { get; }
    public EnergyEstimate Estimate { get; }
    public EnergyEstimate Baseline { get; }

    /// <summary>How many times longer the battery lasts than with connect-per-reading.</summary>
    public double ImprovementFactor => Estimate.TotalMahPerDay > 0 ? Baseline.TotalMahPerDay / Estimate.TotalMahPerDay : 0;

    public static EnergyPlan For(PowerProfile profile, DeviceConfig config)
    {
        string? problem = ConfigValidator.Validate(config);
        if (problem != null) throw new ArgumentException("configuration: " + problem);
        int perBatch = (int)Math.Min((long)config.MaxBatchReadings, Math.Max(1, config.ReportIntervalSeconds / config.SampleIntervalSeconds));
        int batchBytes = EncodedBatchBytes(perBatch, config.SampleIntervalSeconds);
        int singleBytes = EncodedBatchBytes(1, config.SampleIntervalSeconds);
        return new EnergyPlan(profile, config, batchBytes, singleBytes,
            EnergyModel.ForConfig(config, batchBytes),
            EnergyModel.ConnectPerReading(config.SampleIntervalSeconds, singleBytes));
    }

    /// <summary>Size of a telemetry batch of <paramref name="count"/> readings with indoor-like drift, as Core encodes it.</summary>
    public static int EncodedBatchBytes(int count, int intervalSeconds)
    {
        var rng = new Random(count);
        var readings = new Reading[count];
        int t = 2131, h = 4520, p = 101325, v = 3912;
        for (int i = 0; i < count; i++)
        {
            t += rng.Next(-3, 4); h += rng.Next(-8, 9); p += rng.Next(-5, 6); v -= rng.Next(0, 2);
            readings[i] = new Reading
            {
                Sequence = (uint)(1000 + i),
                UnixTime = (uint)(1_764_028_800 + i * intervalSeconds),
                Sample = new EnvironmentSample { CentiCelsius = t, CentiPercentRh = h, Pascal = p },
                BatteryMillivolts = v,
            };
        }
        return PackedBatchEncoder.Encode(7, readings, 0, count).Length;
    }
}
