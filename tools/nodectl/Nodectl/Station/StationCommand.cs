using System.CommandLine;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Ca;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;
using Spectre.Console;

namespace NodeFirmware.Nodectl.Station;

/// <summary>
/// <c>nodectl station --port P1 --port P2 ... --board B --images-dir D --ca-dir pki --broker host:port --wifi-ssid s
/// --release-pubkey file --receiver url --report-dir reports</c>: the factory line for several boards at once, one per
/// serial port, each through <see cref="StationUnit"/> in parallel. Exit codes: 0 every unit passed, 1 some unit failed,
/// 2 refused before any board was touched. See docs/provisioning.md, "A factory station".
/// </summary>
public static class StationCommand
{
    public const int RefusedExitCode = 2;
    public const int MaxPorts = 64;

    public static Command Create() => Create(() => PassphraseSource.Get(confirm: false), Environment.GetEnvironmentVariable, BoardCatalog.Default, AnsiConsole.Console);

    /// <summary>With given sources (tests): the CA passphrase, environment, board catalog, console, provisioning timings and registry.</summary>
    public static Command Create(Func<string> caPassphrase, Func<string, string?> environment, Func<BoardCatalog> catalog, IAnsiConsole console,
        ProvisioningClientOptions? clientOptions = null, Func<Uri, string?, IDeviceRegistry>? openRegistry = null)
    {
        var ports = new Option<string[]>("--port")
        {
            Description = "serial port of one board (repeat, or a comma-separated list), e.g. /dev/ttyUSB0 or rfc2217://HOST:PORT",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var board = FlashCommand.BoardOption();
        board.Required = true;
        var imagesDir = new Option<string?>("--images-dir") { Description = "folder holding the board layout's files (default: the current folder)" };
        var baud = FlashCommand.BaudOption();
        var provisionBaud = new Option<int>("--provision-baud") { Description = "serial baud rate of the firmware's console", DefaultValueFactory = _ => 115200 };
        var caDir = new Option<string>("--ca-dir") { Description = "PKI store directory (see nodectl ca init)", Required = true };
        var broker = new Option<string>("--broker") { Description = "MQTT broker host:port the devices connect to", Required = true };
        var ssid = new Option<string>("--wifi-ssid") { Description = "Wi-Fi network name", Required = true };
        var passEnv = new Option<string>("--wifi-pass-env")
        {
            Description = "NAME of the environment variable holding the Wi-Fi passphrase; empty value = open network",
            DefaultValueFactory = _ => ProvisionCommand.WifiPassEnvDefault,
        };
        var releaseKey = new Option<string>("--release-pubkey") { Description = "OTA release public key file (Ed25519)", Required = true };
        var receiver = new Option<string>("--receiver") { Description = "receiver base URL every unit is registered with", Required = true };
        var receiverToken = new Option<string?>("--receiver-token-file")
        {
            Description = $"file holding the receiver API token (role provisioner); default: environment variable {ReceiverRegistry.TokenVariable}",
        };
        var tags = new Option<string?>("--tags") { Description = "comma-separated tags for the registrations" };
        var config = new Option<string[]>("--config") { Description = "initial configuration override key=value (repeatable)", AllowMultipleArgumentsPerToken = true };
        var factoryReset = new Option<bool>("--factory-reset") { Description = "erase an identity a board already holds (e.g. one a failed run revoked) before provisioning it" };
        var keyOnHost = new Option<bool>("--key-on-host")
        {
            Description = "make each device key here and send it in the bundle, for firmware that cannot make its own (default: the device makes it, GENERATE_KEY)",
        };
        var reportDir = new Option<string>("--report-dir") { Description = "folder for the per-unit reports (unit-N.json) and logs (unit-N.log)", Required = true };
        var audit = new Option<string?>("--audit-log") { Description = "audit log (default <ca-dir>/audit.jsonl)" };
        var station = new Option<string?>("--station") { Description = "station id for the audit log (default env NODECTL_STATION or the host name)" };
        var days = new Option<int?>("--days") { Description = "device certificate validity in days (default 10 years)" };
        var operatorName = OperatorName.CreateOption();

        var command = new Command("station", "flash, provision, register, boot-check and self-test several boards at once, one per serial port, with a report per unit")
        {
            ports, board, imagesDir, baud, provisionBaud, caDir, broker, ssid, passEnv, releaseKey, receiver, receiverToken, tags, config, factoryReset,
            keyOnHost, reportDir, audit, station, days, operatorName,
        };
        command.SetAction(result =>
        {
            var error = result.InvocationConfiguration.Error;
            StationPlan plan;
            IReadOnlyList<string> portList;
            try
            {
                portList = Ports(result.GetValue(ports) ?? []);
                string boardName = result.GetValue(board)!;
                var resolved = FlashCommand.ResolveImages(FlashCommandEnvironment.Default() with { Catalog = catalog }, [], boardName, null, result.GetValue(imagesDir));
                var (brokerHost, brokerPort) = TcpSerialLink.ParseEndpoint(result.GetValue(broker)!);
                string passVariable = result.GetValue(passEnv)!;
                string wifiPass = environment(passVariable)
                    ?? throw new ArgumentException($"environment variable {passVariable} (--wifi-pass-env) is not set; set it to the Wi-Fi passphrase, or to empty for an open network");
                var settings = new ProvisionSettings
                {
                    BrokerHost = brokerHost,
                    BrokerPort = brokerPort,
                    WifiSsid = result.GetValue(ssid)!,
                    WifiPassphrase = wifiPass,
                    ReleasePublicKey = ReleaseKeyFile.Load(result.GetValue(releaseKey)!),
                    ConfigOverrides = ConfigOverrides.Build(result.GetValue(config) ?? []),
                    Tags = (result.GetValue(tags) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Board = boardName,
                    FactoryReset = result.GetValue(factoryReset),
                    KeyOnDevice = !result.GetValue(keyOnHost),
                    CertificateValidity = result.GetValue(days) is int d ? TimeSpan.FromDays(d) : null,
                };
                var pki = new PkiStore(result.GetValue(caDir)!);
                string passphrase = caPassphrase();
                using (pki.OpenCa(passphrase)) { } // a wrong passphrase stops the run before any board is touched
                var log = new AuditLog(result.GetValue(audit) ?? Path.Combine(pki.Root, "audit.jsonl"),
                    CaCommand.Station(result.GetValue(station)), OperatorName.Resolve(result.GetValue(operatorName), environment));
                string url = result.GetValue(receiver)!;
                var receiverUri = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"--receiver '{url}' is not a URL");
                string? token = ReceiverRegistry.ReadToken(result.GetValue(receiverToken), environment);
                var registry = openRegistry is null ? new ReceiverRegistry(receiverUri, token: token) : openRegistry(receiverUri, token);
                string reports = result.GetValue(reportDir)!;
                Directory.CreateDirectory(reports);
                plan = new StationPlan(boardName, resolved.Images, resolved.FlashSize, result.GetValue(baud), result.GetValue(provisionBaud), settings, pki,
                    passphrase, log, registry, clientOptions ?? new ProvisioningClientOptions(), reports);
            }
            catch (Exception e) when (e is ArgumentException or FlashingException or PkiException or AuditException or IOException or UnauthorizedAccessException
                                          or InvalidOperationException)
            {
                error.WriteLine("error: " + e.Message + "; no board was touched");
                return RefusedExitCode;
            }

            // Ctrl-C stops every unit at its next flash block or step; the units already committed are revoked and reported.
            using var interrupt = new CancellationTokenSource();
            using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, context =>
            {
                context.Cancel = true;
                interrupt.Cancel();
            });
            plan = plan with { Interrupt = interrupt.Token };
            try
            {
                var units = Run(plan, portList, console);
                return units.All(u => u.Verdict == UnitReport.Passed) ? 0 : 1;
            }
            finally
            {
                (plan.Registry as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    /// <summary>Every unit in parallel, each on its own thread (their serial I/O blocks), then the summary.</summary>
    public static IReadOnlyList<UnitReport> Run(StationPlan plan, IReadOnlyList<string> ports, IAnsiConsole console)
    {
        var display = new StationDisplay(console);
        var reports = new UnitReport[ports.Count];
        display.Show(ports, () =>
        {
            var threads = ports.Select((port, i) => new Thread(() =>
            {
                using var log = new StreamWriter(Path.Combine(plan.ReportDirectory, $"unit-{i + 1}.log"), append: false) { AutoFlush = true };
                var unit = new StationUnit(plan, i + 1, port, TextWriter.Synchronized(log), display.Update);
                reports[i] = unit.Run();
                reports[i].WriteTo(plan.ReportDirectory);
            }) { IsBackground = true, Name = "station unit " + (i + 1) }).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        });
        display.Summary(reports, plan.ReportDirectory);
        return reports;
    }

    /// <summary>The ports of --port (repeated and/or comma-separated), each once, at most <see cref="MaxPorts"/>.</summary>
    public static IReadOnlyList<string> Ports(IEnumerable<string> values)
    {
        var list = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (list.Count == 0) throw new ArgumentException("give at least one --port");
        if (list.Count > MaxPorts) throw new ArgumentException($"{list.Count} ports given; one station runs at most {MaxPorts}");
        if (list.GroupBy(p => p, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"port {twice.Key} is given twice; each board needs its own port");
        if (list.FirstOrDefault(p => p.Length > 512) is { } tooLong) throw new ArgumentException($"port name '{tooLong[..40]}…' is too long");
        return list;
    }
}
