using Spectre.Console;

namespace NodeFirmware.Nodectl.Station;

/// <summary>
/// The station's progress, one line per port: a Spectre progress bar per board on a terminal, plain "port: step"
/// lines (one per step change) otherwise. Units report from their own threads.
/// </summary>
public sealed class StationDisplay
{
    private readonly IAnsiConsole _console;
    private readonly object _gate = new();
    private readonly Dictionary<int, ProgressTask> _bars = new();
    private readonly Dictionary<int, string> _lastStep = new();

    public StationDisplay(IAnsiConsole console)
    {
        _console = console;
        if (!Live) _console.Profile.Width = Math.Max(_console.Profile.Width, 1000); // plain lines are for logs and scripts: never wrapped
    }

    public bool Live => _console.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with the display up; the work calls <see cref="Update"/>.</summary>
    public void Show(IReadOnlyList<string> ports, Action work)
    {
        if (!Live)
        {
            work();
            return;
        }
        _console.Progress()
            .AutoRefresh(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                lock (_gate)
                    for (int i = 0; i < ports.Count; i++)
                        _bars[i + 1] = ctx.AddTask(Markup.Escape($"{ports[i]}: waiting"), autoStart: true, maxValue: 1);
                work();
            });
    }

    public void Update(UnitReport unit, string step, double fraction)
    {
        lock (_gate)
        {
            string who = unit.DeviceId is { } id ? $"{unit.Port} {id}" : unit.Port;
            if (_bars.TryGetValue(unit.Unit, out var bar))
            {
                bar.Description = Markup.Escape($"{who}: {step}");
                bar.Value = Math.Clamp(fraction, 0, 1);
                return;
            }
            if (_lastStep.TryGetValue(unit.Unit, out var last) && last == step) return;
            _lastStep[unit.Unit] = step;
            _console.WriteLine($"{who}: {step}");
        }
    }

    /// <summary>The table of every unit's verdict, then the count.</summary>
    public void Summary(IReadOnlyList<UnitReport> units, string reportDirectory)
    {
        if (!Live)
        {
            foreach (var u in units)
                _console.WriteLine($"unit {u.Unit} {u.Port} {u.DeviceId ?? "-"} serial {u.CertSerial ?? "-"}: " +
                                   (u.Verdict == UnitReport.Passed ? "passed" : "FAILED: " + u.Reason));
        }
        else
        {
            var table = new Table().AddColumns("unit", "port", "device", "certificate serial", "verdict", "reason");
            foreach (var u in units)
                table.AddRow(Markup.Escape(u.Unit.ToString()), Markup.Escape(u.Port), Markup.Escape(u.DeviceId ?? "-"), Markup.Escape(u.CertSerial ?? "-"),
                    u.Verdict == UnitReport.Passed ? "[green]passed[/]" : "[red]FAILED[/]", Markup.Escape(u.Reason ?? ""));
            _console.Write(table);
        }
        int passed = units.Count(u => u.Verdict == UnitReport.Passed);
        _console.WriteLine($"{passed} of {units.Count} units passed; reports in {reportDirectory}");
    }
}
