using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Ca;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;
using Spectre.Console;

namespace NodeFirmware.Nodectl.Station;

/// <summary>
/// One board through the line, on its own serial port: flash by the board's layout (<see cref="FlashRunner"/>, as
/// `nodectl flash --board`), provision (<see cref="Provisioner"/>, as `nodectl provision`, the MAC cross-checked against
/// the one the ROM reported), register (<see cref="DeviceRegistrar"/>), the boot check (after a DTR/RTS reset the
/// firmware prints "identity ok: &lt;id&gt;" with the id it was given: it boots with its identity) and, in the re-entry
/// window of that same boot, the firmware's self-test (<see cref="BoardSelfTest"/>: sensor chip id, storage round trip,
/// committed identity), whose checks go into the unit's report. A unit that fails after its certificate was
/// issued has it revoked (<see cref="DeviceRevoker"/>), so a failed board never leaves the line with a usable identity.
/// The human text of every step goes to the unit's log (&lt;report-dir&gt;/unit-N.log).
/// </summary>
public sealed class StationUnit
{
    public static readonly string[] StepNames = ["flash", "provision", "register", "boot-check", "self-test"];

    private readonly StationPlan _plan;
    private readonly UnitReport _report;
    private readonly TextWriter _log;
    private readonly Action<UnitReport, string, double> _progress;

    /// <param name="progress">Called with the step being run and how far the unit is (0..1).</param>
    public StationUnit(StationPlan plan, int unit, string port, TextWriter log, Action<UnitReport, string, double> progress)
    {
        _plan = plan;
        _log = log;
        _progress = progress;
        _report = new UnitReport { Unit = unit, Port = port, Board = plan.Board };
    }

    public UnitReport Report => _report;

    public UnitReport Run()
    {
        _report.StartedAt = DateTimeOffset.UtcNow;
        ProvisionResult? provisioned = null;
        try
        {
            var mac = Step("flash", 0, Flash);
            provisioned = Step("provision", 1, () => Provision(mac));
            Step("register", 2, () => Register(provisioned));
            using (var console = Step("boot-check", 3, () => BootCheck(provisioned.DeviceId)))
                Step("self-test", 4, () => SelfTest(console, provisioned.DeviceId));
            _report.Verdict = UnitReport.Passed;
        }
        catch (StepFailedException e)
        {
            _report.Reason = $"{e.Step}: {e.Message}";
            if (_report.CertSerial is not null) RevokeAfterFailure();
        }
        _report.FinishedAt = DateTimeOffset.UtcNow;
        _progress(_report, _report.Verdict, 1);
        _log.Flush();
        return _report;
    }

    private byte[] Flash()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_log), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        long total = Math.Max(1, _plan.Images.Sum(i => (long)i.Data.Length));
        long[] written = new long[_plan.Images.Count];
        var request = new FlashRequest(_plan.Images, _plan.FlashBaud, Compress: true, Verify: true, ResetAfter: true, FlashSize: _plan.FlashSize,
            Interrupt: _plan.Interrupt, OnProgress: p =>
            {
                written[p.ImageIndex] = p.BytesWritten;
                _progress(_report, "flash", written.Sum() / (double)total / StepNames.Length);
            });
        var outcome = new FlashRunReport();
        int exit;
        try
        {
            using var link = SerialLinks.Open(_report.Port);
            exit = FlashRunner.Flash(new EspRomClient(link), request, console, outcome);
        }
        catch (Exception e) when (e is FlashingException or IOException or UnauthorizedAccessException)
        {
            throw new StepFailedException("flash", $"cannot open {_report.Port}: {e.Message}");
        }
        _report.Mac = outcome.Mac;
        _report.DeviceId = outcome.DeviceId;
        if (exit != 0) throw new StepFailedException("flash", outcome.Error ?? $"flashing ended with exit code {exit}");
        string written2 = string.Join(", ", outcome.Images!.Select(i => $"{i.Name} at 0x{i.Offset:X} ({i.SectorsWritten} sectors written, {i.SectorsSkipped} matched)"));
        StepDetail = $"{outcome.Chip}, MAC {outcome.Mac}: {written2}; MD5 verified; reset into the firmware";
        return DeviceIdentity.ToMac(DeviceIdentity.FromMacText(outcome.Mac!));
    }

    private ProvisionResult Provision(byte[] mac)
    {
        var settings = _plan.Settings with { ExpectedMac = mac, RebootWhenDone = true };
        try
        {
            using var link = SerialLinks.Open(_report.Port, _plan.ProvisionBaud);
            var board = BoardConsole.ResetAndListen(link, _report.Port, _plan.Board, _plan.ClientOptions.BootListen);
            // Each unit opens the CA itself: its signing key object is then never used by two threads at once.
            using var ca = _plan.Pki.OpenCa(_plan.CaPassphrase);
            var result = new Provisioner(_plan.Pki, ca, _plan.Audit, registry: null, _log)
                .Provision(new ProvisioningClient(link, _plan.ClientOptions) { Board = board }, settings);
            _report.DeviceId = result.DeviceId;
            _report.CertSerial = result.CertSerial;
            _report.CertSha256 = result.CertSha256;
            _report.KeyMadeOn = result.KeyMadeOn;
            string key = result.KeyMadeOn == ProvisionResult.Device
                ? "key pair made on the device (GENERATE_KEY), its certificate request verified and signed"
                : "key pair made on the host and sent in the bundle (--key-on-host)";
            StepDetail = result.Outcome == ProvisionOutcome.Provisioned
                ? $"{result.DeviceId}: {key}, certificate serial {result.CertSerial}, bundle sha256 {result.BundleSha256}, committed"
                : $"{result.DeviceId} already held this store's certificate serial {result.CertSerial}; nothing issued";
            return result;
        }
        catch (Exception e) when (e is ProvisioningFailedException or ProvisioningLinkException or FlashingException or PkiException or AuditException
                                      or IOException or UnauthorizedAccessException)
        {
            throw new StepFailedException("provision", e.Message);
        }
    }

    private void Register(ProvisionResult provisioned)
    {
        var registration = new DeviceRegistration(provisioned.DeviceId, provisioned.CertSerial, _plan.Settings.Tags, _plan.Board);
        string? problem;
        try
        {
            problem = DeviceRegistrar.Register(_plan.Registry, _plan.Audit, registration, provisioned.CertSha256,
                "The station revokes the certificate of a failed unit; re-run the station on this board with --factory-reset", _log);
        }
        catch (AuditException e)
        {
            throw new StepFailedException("register", $"the audit record could not be written: {e.Message}");
        }
        if (problem is not null) throw new StepFailedException("register", problem);
        _report.Registered = true;
        StepDetail = $"registered with {_plan.Registry.Name}: {provisioned.DeviceId}, serial {provisioned.CertSerial}";
    }

    /// <summary>
    /// Resets the board and reads its boot line; returns the port still open, so the self-test reaches the same boot's
    /// re-entry window (a second reset would only cost time).
    /// </summary>
    private ISerialLink BootCheck(string deviceId)
    {
        ISerialLink link;
        BoardBootText boot;
        try
        {
            link = SerialLinks.Open(_report.Port, _plan.ProvisionBaud);
        }
        catch (Exception e) when (e is FlashingException or IOException or UnauthorizedAccessException)
        {
            throw new StepFailedException("boot-check", $"cannot open {_report.Port} to read the board's console: {e.Message}");
        }
        try
        {
            if (!BoardConsole.TryResetIntoFirmware(link))
                throw new StepFailedException("boot-check", $"{_report.Port} has no DTR/RTS, so the station cannot reset the board to read its boot line");
            boot = BoardConsole.Listen(link, _plan.ClientOptions.BootListen);
            if (boot.State != BoardBootState.Provisioned)
            {
                string seen = boot.Evidence is { } line ? $"it printed \"{line}\"" : boot.PrintedAnything ? "it printed no line that tells" : "it printed nothing";
                throw new StepFailedException("boot-check", $"after a reset the board did not boot with its identity ({seen}, state {boot.State})");
            }
            if (boot.DeviceId != deviceId)
                throw new StepFailedException("boot-check", $"the board booted as {boot.DeviceId}, not as {deviceId} it was provisioned as");
        }
        catch (Exception e)
        {
            link.Dispose();
            if (e is FlashingException or IOException or UnauthorizedAccessException)
                throw new StepFailedException("boot-check", $"cannot reset the board or read its console: {e.Message}");
            throw;
        }
        StepDetail = $"after a reset the firmware printed \"{boot.Evidence}\"";
        return link;
    }

    /// <summary>SELF_TEST in the re-entry window of the boot the boot check saw; its checks go into the report whatever they say.</summary>
    private void SelfTest(ISerialLink link, string deviceId)
    {
        DeviceHello hello;
        DeviceSelfTest result;
        try
        {
            (hello, result) = BoardSelfTest.Run(new ProvisioningClient(link, _plan.ClientOptions), ProvisionCommand.KnockWindow);
        }
        catch (ProvisioningLinkException e)
        {
            throw new StepFailedException("self-test", e.Message);
        }
        if (hello.DeviceId != deviceId)
            throw new StepFailedException("self-test", $"the board answered as {hello.DeviceId}, not as {deviceId} it was provisioned as");
        _report.SelfTest = result;
        if (!result.Pass)
            throw new StepFailedException("self-test", $"the board failed its self-test: {result.Failures()}");
        StepDetail = "passed: " + string.Join("; ", result.Checks.Select(c => $"{c.Name}: {c.Detail}"));
    }

    private void RevokeAfterFailure()
    {
        string id = _report.DeviceId!;
        var step = new UnitStep { Name = "revoke", StartedAt = DateTimeOffset.UtcNow };
        var clock = Stopwatch.StartNew();
        _progress(_report, "revoke", 1);
        try
        {
            using var ca = _plan.Pki.OpenCa(_plan.CaPassphrase);
            var revocation = DeviceRevoker.Revoke(_plan.Pki, ca, _plan.Audit, id, X509RevocationReason.CessationOfOperation,
                "station: the unit failed " + _report.Reason);
            _report.RevokedSerials = revocation.Certificates.Select(c => c.SerialHex).ToList();
            step.Result = UnitStep.Ok;
            step.Detail = $"revoked {DeviceRevoker.Describe(revocation)}; CRL number {revocation.CrlNumber} written to {_plan.Pki.CrlPath}. " +
                          (_report.Registered ? "The receiver (started with --pki on this store) shows the device revoked; " : "") +
                          "reload the broker so it refuses them: tools/receiver/broker/reload-broker.sh <run-dir>";
            _report.Reason += $"; its certificate is revoked ({string.Join(", ", _report.RevokedSerials)}), so it holds no usable identity";
        }
        catch (Exception e) when (e is PkiException or AuditException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            step.Result = UnitStep.Failed;
            step.Detail = $"the certificate {_report.CertSerial} could NOT be revoked: {e.Message}. Revoke it: nodectl ca revoke {id} --dir {_plan.Pki.Root}";
            _report.Reason += $"; its certificate {_report.CertSerial} could NOT be revoked ({e.Message}): run nodectl ca revoke {id} --dir {_plan.Pki.Root}";
        }
        step.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
        _report.Steps.Add(step);
        _log.WriteLine($"revoke: {step.Result}: {step.Detail}");
    }

    /// <summary>The detail the running step leaves for its report entry.</summary>
    private string StepDetail { get; set; } = "";

    private T Step<T>(string name, int index, Func<T> work)
    {
        var step = new UnitStep { Name = name, StartedAt = DateTimeOffset.UtcNow };
        var clock = Stopwatch.StartNew();
        StepDetail = "";
        _progress(_report, name, index / (double)StepNames.Length);
        _log.WriteLine($"== {name}");
        try
        {
            if (_plan.Interrupt.IsCancellationRequested) throw new StepFailedException(name, "interrupted (Ctrl-C) before this step");
            var result = work();
            step.Result = UnitStep.Ok;
            step.Detail = StepDetail;
            return result;
        }
        catch (StepFailedException e)
        {
            step.Result = UnitStep.Failed;
            step.Detail = e.Message;
            throw;
        }
        finally
        {
            step.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
            _report.Steps.Add(step);
            _log.WriteLine($"{name}: {step.Result}: {step.Detail}");
        }
    }

    private void Step(string name, int index, Action work) => Step<bool>(name, index, () => { work(); return true; });

    private sealed class StepFailedException(string step, string message) : Exception(message)
    {
        public string Step { get; } = step;
    }
}
