using System.CommandLine;
using NodeFirmware.Nodectl.Output;

namespace NodeFirmware.Nodectl.Audit;

/// <summary><c>nodectl audit verify --log f</c> and <c>nodectl audit show --log f [--device id] [--last n]</c>.</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "check and read the provisioning audit log");
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateShow());
        return command;
    }

    private static Option<string> LogOption() => new("--log")
    {
        Description = "audit log file (JSON lines)",
        Required = true,
    };

    private static Command CreateVerify()
    {
        var log = LogOption();
        var verify = new Command("verify", "check every record and the hash chain; exit 1 on the first break") { log };
        verify.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            try
            {
                var check = AuditVerifier.Verify(result.GetValue(log)!);
                if (check.Ok)
                {
                    output.WriteLine($"ok: {check.Records} records, hash chain intact");
                    return 0;
                }
                error.WriteLine($"error: {check.Problem} ({check.Records} records before it are intact)");
                return 1;
            }
            catch (Exception e) when (e is AuditException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return verify;
    }

    private static Command CreateShow()
    {
        var log = LogOption();
        var device = new Option<string?>("--device") { Description = "only records of this device id" };
        var last = new Option<int?>("--last") { Description = "only the last N records shown" };
        var json = JsonResult.Option();
        var show = new Command("show", "print the records as a table") { log, device, last, json };
        show.SetAction(result =>
        {
            bool asJson = result.GetValue(json);
            var error = result.InvocationConfiguration.Error;
            var output = asJson ? error : result.InvocationConfiguration.Output; // with --json stdout holds only the report
            int Finish(int exit, IReadOnlyList<AuditRecord>? records, string? problem)
            {
                if (asJson) JsonResult.Write(result.InvocationConfiguration.Output, new AuditShowReport(exit == 0, exit, records ?? [], problem));
                return exit;
            }
            try
            {
                var check = AuditVerifier.Verify(result.GetValue(log)!);
                IEnumerable<AuditRecord> rows = check.Entries;
                string? id = result.GetValue(device);
                if (id != null) rows = rows.Where(r => r.Device == id);
                int? n = result.GetValue(last);
                if (n is > 0) rows = rows.TakeLast(n.Value);
                var shown = rows.ToList();
                output.WriteLine($"{"seq",5}  {"time (UTC)",-20} {"station",-12} {"operator",-10} {"action",-10} {"device",-19} {"result",-7} {"cert serial",-33} detail");
                foreach (var r in shown)
                {
                    string detail = r.Stage is null ? r.Detail ?? "" : $"[{r.Stage}] {r.Detail}";
                    output.WriteLine($"{r.Sequence,5}  {r.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {Cut(r.Station, 12),-12} {Cut(r.Operator, 10),-10} {r.Action,-10} {r.Device ?? "-",-19} {r.Result,-7} {r.CertSerial ?? "-",-33} {detail}");
                }
                if (!check.Ok)
                {
                    error.WriteLine($"warning: {check.Problem}; records after it are not shown");
                    return Finish(1, shown, $"{check.Problem}; records after it are not shown");
                }
                return Finish(0, shown, null);
            }
            catch (Exception e) when (e is AuditException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine("error: " + e.Message);
                return Finish(1, null, e.Message);
            }
        });
        return show;
    }

    private static string Cut(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
