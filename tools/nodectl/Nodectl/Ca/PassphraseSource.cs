using NodeFirmware.Nodectl.Secrets;

namespace NodeFirmware.Nodectl.Ca;

/// <summary>
/// The CA passphrase: from env NODECTL_CA_PASSPHRASE, else asked on the terminal without echo. Never
/// printed, never logged. Without a terminal and without the variable it fails instead of blocking.
/// </summary>
public static class PassphraseSource
{
    public const string EnvironmentVariable = "NODECTL_CA_PASSPHRASE";

    public static string Get(bool confirm, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? fromEnv = environment(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        if (Console.IsInputRedirected)
            throw new InvalidOperationException($"no CA passphrase: set {EnvironmentVariable} or run on a terminal to be asked");
        string first = HiddenPrompt.Read("CA passphrase: ");
        if (confirm && HiddenPrompt.Read("repeat the CA passphrase: ") != first)
            throw new InvalidOperationException("the two passphrases differ");
        return first;
    }
}
