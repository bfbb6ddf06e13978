namespace NodeFirmware.HilTests.Scenarios;

/// <summary>Figures the chaos scenarios add up for the reliability report.</summary>
public sealed class ReliabilityTally
{
    private readonly object _gate = new();
    public long ReadingsGenerated, ReadingsStored, ReadingsDuplicated, ReadingsMissing;
    public long FaultsInjected, FaultsSurvived;
    public long InputsFuzzed, Crashes;
    public long ProbesTried, ProbesRefused;

    public void Add(Action<ReliabilityTally> update)
    {
        lock (_gate) update(this);
    }

    public IEnumerable<string> Lines()
    {
        yield return $"readings generated={ReadingsGenerated} stored={ReadingsStored} duplicated={ReadingsDuplicated} missing={ReadingsMissing}";
        yield return $"faults injected={FaultsInjected} survived={FaultsSurvived}";
        yield return $"inputs fuzzed={InputsFuzzed} crashes={Crashes}";
        yield return $"security probes tried={ProbesTried} refused={ProbesRefused}";
    }

    public string ResultLine() =>
        $"RESULT hil.reliability generated={ReadingsGenerated} stored={ReadingsStored} duplicated={ReadingsDuplicated} missing={ReadingsMissing} " +
        $"faults_injected={FaultsInjected} faults_survived={FaultsSurvived} fuzzed={InputsFuzzed} crashes={Crashes} probes={ProbesTried} refused={ProbesRefused}";
}
