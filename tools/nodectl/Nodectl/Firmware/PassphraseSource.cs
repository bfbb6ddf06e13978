using NodeFirmware.Nodectl.Secrets;

namespace NodeFirmware.Nodectl.Firmware;

/// <summary>
/// Where the release key's passphrase comes from: an environment variable (for CI and scripts), otherwise
/// a prompt on an interactive terminal with the input hidden. Never from a command-line argument (it would
/// land in shell history and process listings).
/// </summary>
public static class PassphraseSource
{
    public const string DefaultVariable = "NODECTL_RELEASE_PASSPHRASE";
    public const int MinimumLength = 12;

    public static string Get(string variable, bool confirm)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(fromEnvironment)) return Check(fromEnvironment, confirm);
        if (Console.IsInputRedirected)
            throw new FirmwareToolException($"no passphrase: set {variable} or run on an interactive terminal");
        string first = HiddenPrompt.Read("release key passphrase: ");
        if (confirm && HiddenPrompt.Read("repeat the passphrase: ") != first) throw new FirmwareToolException("the passphrases differ");
        return Check(first, confirm);
    }

    private static string Check(string passphrase, bool creating)
    {
        if (creating && passphrase.Length < MinimumLength)
            throw new FirmwareToolException($"the passphrase must have at least {MinimumLength} characters");
        return passphrase;
    }
}
