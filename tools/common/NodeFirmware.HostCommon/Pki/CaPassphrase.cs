namespace NodeFirmware.HostCommon.Pki;

/// <summary>
/// The one environment variable every tool reads the fleet CA's passphrase from (nodectl, the receiver, nodesim).
/// The names used before are refused rather than read: a refusal names the fix and changes nothing, whereas
/// accepting them would keep three spellings alive in scripts, and a tool that missed one of them is how a
/// receiver came to answer a revocation with 500 while nodectl worked (issue 16).
/// </summary>
public static class CaPassphrase
{
    public const string EnvironmentVariable = "NODEFIRMWARE_CA_PASSPHRASE";

    /// <summary>Names earlier versions read (nodectl, nodesim); setting one is an error that names the new one.</summary>
    public static readonly IReadOnlyList<string> RetiredVariables = ["NODECTL_CA_PASSPHRASE", "NODESIM_CA_PASSPHRASE"];

    /// <summary>The passphrase from <see cref="EnvironmentVariable"/>; null when it is unset or empty.</summary>
    /// <exception cref="PkiException">A retired name is set.</exception>
    public static string? FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        foreach (var retired in RetiredVariables)
            if (!string.IsNullOrEmpty(environment(retired)))
                throw new PkiException($"{retired} is no longer read: the CA passphrase is in {EnvironmentVariable} for every tool. " +
                                       $"Rename the variable (export {EnvironmentVariable}=...; unset {retired}) and run again");
        var value = environment(EnvironmentVariable);
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
