namespace NodeFirmware.HilTests.Report;

/// <summary>The reliability report runs only when asked for (tools/scripts/reliability.sh sets the variable); otherwise skipped with the reason.</summary>
public sealed class ReliabilityReportFactAttribute : FactAttribute
{
    public const string Variable = "NODEFIRMWARE_RELIABILITY_REPORT";

    public ReliabilityReportFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"the reliability report runs through tools/scripts/reliability.sh ({Variable}=output file)";
    }
}
