using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NodeFirmware.Nodectl.Output;

/// <summary>
/// The one machine-readable result a command prints with --json: a single JSON object on stdout (camelCase names,
/// nulls left out), so a line script can read it while the human text goes to stderr.
/// </summary>
public static class JsonResult
{
    public const string OptionName = "--json";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // for a terminal and scripts, not HTML: keep ` and ' readable
    };

    public static System.CommandLine.Option<bool> Option() => new(OptionName)
    {
        Description = "Print the result as one JSON object on stdout; human-readable text goes to stderr",
    };

    public static void Write(TextWriter output, object result)
    {
        output.WriteLine(JsonSerializer.Serialize(result, result.GetType(), Options));
        output.Flush();
    }

    /// <summary>
    /// Ends a command's run: the problem as "error: …" on stderr, the report's outcome fields set from the exit code, and
    /// with --json the report on stdout. Returns the exit code.
    /// </summary>
    public static int Finish(System.CommandLine.ParseResult result, bool asJson, ICommandReport report, int exit, string? problem = null)
    {
        if (problem is not null) result.InvocationConfiguration.Error.WriteLine("error: " + problem);
        report.Ok = exit == 0;
        report.ExitCode = exit;
        report.Error = problem;
        if (asJson) Write(result.InvocationConfiguration.Output, report);
        return exit;
    }
}

/// <summary>The outcome fields a command's --json report starts with.</summary>
public interface ICommandReport
{
    bool Ok { get; set; }

    int ExitCode { get; set; }

    string? Error { get; set; }
}
