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
        string first = Prompt("CA passphrase: ");
        if (confirm && Prompt("repeat the CA passphrase: ") != first)
            throw new InvalidOperationException("the two passphrases differ");
        return first;
    }

    private static string Prompt(string label)
    {
        Console.Error.Write(label);
        var chars = new List<char>();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (chars.Count > 0) chars.RemoveAt(chars.Count - 1); continue; }
            if (!char.IsControl(key.KeyChar)) chars.Add(key.KeyChar);
        }
        Console.Error.WriteLine();
        return new string(chars.ToArray());
    }
}
