using System.CommandLine;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Output;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// <c>nodectl selftest (--port /dev/ttyUSB0 | --tcp host:port) [--baud 115200] [--board NAME] [--json]</c>: asks a board's
/// firmware to check its hardware (SELF_TEST: the BME280's chip id, a storage round trip, the committed identity) and
/// prints every check. Over --port the board is reset first (DTR/RTS) and, when its boot line says it is provisioned,
/// reached in its re-entry window, as `provision --factory-reset` does. Exit codes: 0 every check passed, 1 a check
/// failed, 2 the self-test could not run (the message says why and what to do). docs/provisioning.md, "The self-test".
/// </summary>
public static class SelfTestCommand
{
    public const int FailedExitCode = 1;
    public const int NotRunExitCode = 2;

    public static Command Create() => Create(null);

    /// <summary>With given provisioning timings (tests).</summary>
    public static Command Create(ProvisioningClientOptions? clientOptions)
    {
        var port = new Option<string?>("--port") { Description = "serial port of the board, e.g. /dev/ttyUSB0 or rfc2217://HOST:PORT" };
        var tcp = new Option<string?>("--tcp") { Description = "host:port of a virtual node's provisioning port (instead of --port)" };
        var baud = new Option<int>("--baud") { Description = "serial baud rate of the firmware's console", DefaultValueFactory = _ => 115200 };
        var board = new Option<string?>("--board") { Description = "board name (boards/), for the advice when the board cannot be reached" };
        var json = JsonResult.Option();
        var command = new Command("selftest", "ask a board's firmware to check its sensor, its storage and its identity (SELF_TEST)")
        {
            port, tcp, baud, board, json,
        };
        command.SetAction(result =>
        {
            bool asJson = result.GetValue(json);
            var error = result.InvocationConfiguration.Error;
            var output = asJson ? error : result.InvocationConfiguration.Output;
            var report = new SelfTestReport();
            int Finish(int exit, string? problem = null) => JsonResult.Finish(result, asJson, report, exit, problem);
            try
            {
                string? portName = result.GetValue(port);
                string? tcpTarget = result.GetValue(tcp);
                if ((portName is null) == (tcpTarget is null)) throw new ArgumentException("give exactly one of --port and --tcp");
                var options = clientOptions ?? new ProvisioningClientOptions();
                report.Target = portName ?? tcpTarget!;
                DeviceHello hello;
                DeviceSelfTest outcome;
                if (portName is not null)
                {
                    using ISerialLink serial = SerialLinks.Open(portName, result.GetValue(baud));
                    var seen = BoardConsole.ResetAndListen(serial, portName, result.GetValue(board), options.BootListen);
                    if (!seen.WasReset) output.WriteLine($"{portName} has no DTR/RTS: the board was not reset; testing what runs on it");
                    var client = new ProvisioningClient(serial, options) { Board = seen };
                    (hello, outcome) = BoardSelfTest.Run(client, seen.BootText.State == BoardBootState.Provisioned ? ProvisionCommand.KnockWindow : null);
                }
                else
                {
                    var (host, tcpPort) = TcpSerialLink.ParseEndpoint(tcpTarget!);
                    using var link = new TcpSerialLink(host, tcpPort, TimeSpan.FromSeconds(5));
                    (hello, outcome) = BoardSelfTest.Run(new ProvisioningClient(link, options), null);
                }
                report.DeviceId = hello.DeviceId;
                report.FirmwareVersion = hello.FirmwareVersion;
                report.Identity = DeviceHello.StateName(hello.State);
                report.Pass = outcome.Pass;
                report.Checks = outcome.Checks;
                output.WriteLine($"{hello.DeviceId} (firmware {hello.FirmwareVersion}, identity {report.Identity}): self-test {(outcome.Pass ? "passed" : "FAILED")}");
                int width = outcome.Checks.Max(c => c.Name.Length);
                foreach (var check in outcome.Checks)
                    output.WriteLine($"  {check.Name.PadRight(width)}  {(check.Ok ? "ok    " : "FAILED")}  {check.Detail}");
                return outcome.Pass ? Finish(0)
                    : Finish(FailedExitCode, $"{hello.DeviceId} failed its self-test: {outcome.Failures()}. Fix or replace the part named, then run nodectl selftest again; "
                                             + "a board that fails at the factory line should not ship with a usable identity (nodectl ca revoke)");
            }
            catch (Exception e) when (e is ProvisioningLinkException or FlashingException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                return Finish(NotRunExitCode, e.Message);
            }
        });
        return command;
    }
}

/// <summary>What <c>nodectl selftest --json</c> prints (docs/provisioning.md, "The self-test"): nothing secret.</summary>
public sealed class SelfTestReport : ICommandReport
{
    public bool Ok { get; set; }

    /// <summary>0 passed, 1 a check failed, 2 the self-test could not run (as the exit code).</summary>
    public int ExitCode { get; set; }

    public string? Target { get; set; }
    public string? DeviceId { get; set; }
    public string? FirmwareVersion { get; set; }

    /// <summary>The identity state HELLO reported: empty, stored, provisioned (committed) or corrupt.</summary>
    public string? Identity { get; set; }

    /// <summary>The firmware's verdict; null when the self-test did not run.</summary>
    public bool? Pass { get; set; }

    public IReadOnlyList<SelfTestCheck>? Checks { get; set; }
    public string? Error { get; set; }
}
