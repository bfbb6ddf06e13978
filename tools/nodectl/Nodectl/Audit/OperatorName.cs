using System.CommandLine;

namespace NodeFirmware.Nodectl.Audit;

/// <summary>
/// Who the audit log names as the operator: --operator, else NODECTL_OPERATOR, else the login name in USER
/// (USERNAME on Windows). With none of them nodectl refuses before it changes anything: an audit record that says
/// "unknown" answers nobody's question, and a line script under cron or a container often has no USER.
/// </summary>
public static class OperatorName
{
    public const string EnvironmentVariable = "NODECTL_OPERATOR";
    public const int MaxLength = 64;

    public static Option<string?> CreateOption() => new("--operator")
    {
        Description = $"who runs this, for the audit log (default env {EnvironmentVariable}, else USER)",
    };

    public static string Resolve(string? given, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? name = NonEmpty(given) ?? NonEmpty(environment(EnvironmentVariable)) ?? NonEmpty(environment("USER"))
                       ?? (OperatingSystem.IsWindows() ? NonEmpty(environment("USERNAME")) : null);
        if (name is null)
            throw new AuditException($"no operator for the audit log: neither --operator nor {EnvironmentVariable} nor USER is set. " +
                                     $"Pass --operator <name> or export {EnvironmentVariable}=<name>; nothing was changed");
        if (name.Length > MaxLength || name.Any(char.IsControl))
            throw new AuditException($"operator name '{name.ReplaceLineEndings(" ")}' must be 1-{MaxLength} characters without control characters; nothing was changed");
        return name;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
