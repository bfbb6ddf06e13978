namespace NodeSim.Cli;

/// <summary>nodesim's command line: <c>nodesim run [--nodes N] [--hours H] [--dir D] ...</c></summary>
public sealed class CliOptions
{
    public int Nodes { get; private set; } = 3;
    public double Hours { get; private set; } = 12;
    public string Directory { get; private set; } = ".nodesim";
    public string Board { get; private set; } = "firebeetle-esp32";
    public int SampleSeconds { get; private set; } = 60;
    public int ReportSeconds { get; private set; } = 900;
    public double OutageHours { get; private set; }
    public string? ReceiverCommand { get; private set; }
    public string? ReceiverUrl { get; private set; }
    public string? ReceiverTokenFile { get; private set; }
    public int ShowReadings { get; private set; } = 4;
    public bool KeepRunning { get; private set; }

    public const string Usage =
        "usage: nodesim run [--nodes N] [--hours H] [--dir DIR] [--board NAME] [--sample-s S] [--report-s S]\n" +
        "                   [--outage-hours H] [--receiver \"COMMAND\" --receiver-url URL --receiver-token-file F] [--show N] [--keep-running]\n" +
        "  Starts a fleet CA and Mosquitto with mutual TLS in DIR, runs N virtual nodes for H virtual hours\n" +
        "  (ending now) and prints the telemetry as it arrives, decoded, and the energy each node spent.\n" +
        "  --receiver runs that command once the broker is up, with {host} {port} {pki} {dir} substituted;\n" +
        "  --receiver-url is where it answers HTTP: the demo waits for it and prints what it stored;\n" +
        "  --receiver-token-file holds the API token it uses there (registering devices needs provisioner or admin).\n" +
        "   or: nodesim rom (--rfc2217 HOST:PORT | --pty) ...  serves a simulated ESP32 ROM loader (nodesim rom for its options)";

    public static CliOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != "run") throw new ArgumentException(Usage);
        var o = new CliOptions();
        for (int i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            switch (args[i])
            {
                case "--nodes": o.Nodes = PositiveInt(Value(), "--nodes"); break;
                case "--hours": o.Hours = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--dir": o.Directory = Value(); break;
                case "--board": o.Board = Value(); break;
                case "--sample-s": o.SampleSeconds = PositiveInt(Value(), "--sample-s"); break;
                case "--report-s": o.ReportSeconds = PositiveInt(Value(), "--report-s"); break;
                case "--outage-hours": o.OutageHours = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--receiver": o.ReceiverCommand = Value(); break;
                case "--receiver-url": o.ReceiverUrl = Value().TrimEnd('/'); break;
                case "--receiver-token-file": o.ReceiverTokenFile = Value(); break;
                case "--show": o.ShowReadings = int.Parse(Value()); break;
                case "--keep-running": o.KeepRunning = true; break;
                default: throw new ArgumentException($"unknown option {args[i]}\n{Usage}");
            }
        }
        if (o.Hours <= 0) throw new ArgumentException("--hours must be positive");
        return o;
    }

    private static int PositiveInt(string text, string name) =>
        int.TryParse(text, out int v) && v > 0 ? v : throw new ArgumentException($"{name} must be a positive whole number");
}
