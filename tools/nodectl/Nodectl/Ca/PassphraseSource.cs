using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Secrets;

namespace NodeFirmware.Nodectl.Ca;

/// <summary>
/// The CA passphrase: from env NODEFIRMWARE_CA_PASSPHRASE (the one name every tool reads, <see cref="CaPassphrase"/>),
/// else asked on the terminal without echo. Never printed, never logged. Without a terminal and without the variable
/// it fails instead of blocking; a retired variable name is refused with the new name.
/// </summary>
public static class PassphraseSource
{
    public const string EnvironmentVariable = CaPassphrase.EnvironmentVariable;

    public static string Get(bool confirm, Func<string, string?>? environment = null)
    {
        string? fromEnv = CaPassphrase.FromEnvironment(environment);
        if (fromEnv is not null) return fromEnv;
        if (Console.IsInputRedirected)
            throw new InvalidOperationException($"no CA passphrase: set {EnvironmentVariable} or run on a terminal to be asked");
        string first = HiddenPrompt.Read("CA passphrase: ");
        if (confirm && HiddenPrompt.Read("repeat the CA passphrase: ") != first)
            throw new InvalidOperationException("the two passphrases differ");
        return first;
    }
}
