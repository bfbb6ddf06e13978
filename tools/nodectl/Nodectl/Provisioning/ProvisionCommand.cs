using System.CommandLine;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Ca;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Output;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// <c>nodectl provision (--port /dev/ttyUSB0 | --tcp host:port) --ca-dir pki --broker host:port --wifi-ssid s
/// --wifi-pass-env VAR --release-pubkey file [--receiver url] [--tags a,b] [--board name] ...</c>
/// See docs/provisioning.md for the factory procedure.
/// </summary>
public static class ProvisionCommand
{
    public const string WifiPassEnvDefault = "NODECTL_WIFI_PASS";

    /// <summary>How long to knock for the re-entry window of a board nodectl has just reset (its boot takes a few seconds).</summary>
    public static readonly TimeSpan KnockWindow = TimeSpan.FromSeconds(15);

    public static Command Create() => Create(() => PassphraseSource.Get(confirm: false), Environment.GetEnvironmentVariable);

    /// <summary>With the CA passphrase and environment variables from given sources (tests).</summary>
    public static Command Create(Func<string> caPassphrase, Func<string, string?> environment, ProvisioningClientOptions? clientOptions = null)
    {
        var port = new Option<string?>("--port") { Description = "serial port of the board, e.g. /dev/ttyUSB0 or rfc2217://HOST:PORT" };
        var tcp = new Option<string?>("--tcp") { Description = "host:port of a virtual node's provisioning port (instead of --port); host:port1,port2,... provisions several in one run" };
        var tcpRange = new Option<string?>("--tcp-range") { Description = "host:firstPort-lastPort: provision every virtual node on those ports in one run" };
        var baud = new Option<int>("--baud") { Description = "serial baud rate of the provisioning mode", DefaultValueFactory = _ => 115200 };
        var caDir = new Option<string>("--ca-dir") { Description = "PKI store directory (see nodectl ca init)", Required = true };
        var broker = new Option<string>("--broker") { Description = "MQTT broker host:port the device connects to", Required = true };
        var ssid = new Option<string>("--wifi-ssid") { Description = "Wi-Fi network name", Required = true };
        var passEnv = new Option<string>("--wifi-pass-env")
        {
            Description = "NAME of the environment variable holding the Wi-Fi passphrase (never pass secrets as arguments); empty value = open network",
            DefaultValueFactory = _ => WifiPassEnvDefault,
        };
        var releaseKey = new Option<string>("--release-pubkey") { Description = "OTA release public key file (Ed25519)", Required = true };
        var receiver = new Option<string?>("--receiver") { Description = "receiver base URL; the device is registered there (POST /api/devices)" };
        var receiverToken = new Option<string?>("--receiver-token-file")
        {
            Description = $"file holding the receiver API token (role provisioner or admin); default: environment variable {ReceiverRegistry.TokenVariable}",
        };
        var tags = new Option<string?>("--tags") { Description = "comma-separated tags for the registration, e.g. greenhouse-3,north" };
        var board = new Option<string?>("--board") { Description = "board name for the registration (boards/)" };
        var config = new Option<string[]>("--config") { Description = "initial configuration override key=value (repeatable), e.g. sample_s=30", AllowMultipleArgumentsPerToken = true };
        var expectMac = new Option<string?>("--expect-mac") { Description = "MAC the device must report (from the label or an earlier ROM read)" };
        var readRomMac = new Option<bool>("--read-rom-mac") { Description = "read the MAC over the ROM bootloader first, cross-check it, then reset the board into the firmware (serial only)" };
        var factoryReset = new Option<bool>("--factory-reset")
        {
            Description = "erase an existing identity first: a FACTORY_RESET signed with --release-key over the board's boot challenge (over --port the board is reset into its "
                + "re-entry window); the certificates this store issued to it are revoked before the new one is issued",
        };
        var releaseSigningKey = new Option<string?>("--release-key") { Description = "encrypted release key file (nodectl firmware keygen) that signs --factory-reset" };
        var releasePassphraseEnv = new Option<string>("--release-passphrase-env")
        {
            Description = "NAME of the environment variable holding the release key's passphrase (else it is asked for on the terminal)",
            DefaultValueFactory = _ => NodeFirmware.Nodectl.Firmware.PassphraseSource.DefaultVariable,
        };
        var keyOnDevice = new Option<bool>("--key-on-device")
        {
            Description = "the device makes its own key (GENERATE_KEY) and sends a certificate request; the CA signs it and the key never leaves the device",
        };
        var noReboot = new Option<bool>("--no-reboot") { Description = "leave the device in provisioning mode when done" };
        var audit = new Option<string?>("--audit-log") { Description = "audit log (default <ca-dir>/audit.jsonl)" };
        var station = new Option<string?>("--station") { Description = "station id for the audit log (default env NODECTL_STATION or the host name)" };
        var days = new Option<int?>("--days") { Description = "device certificate validity in days (default 10 years)" };
        var operatorName = OperatorName.CreateOption();
        var json = JsonResult.Option();

        var command = new Command("provision", "give one device its identity: key pair, certificate, broker, Wi-Fi and release key")
        {
            port, tcp, tcpRange, baud, caDir, broker, ssid, passEnv, releaseKey, receiver, receiverToken, tags, board, config, expectMac, readRomMac,
            factoryReset, releaseSigningKey, releasePassphraseEnv, keyOnDevice, noReboot, audit, station, days, operatorName, json,
        };
        command.SetAction(result =>
        {
            bool asJson = result.GetValue(json);
            var error = result.InvocationConfiguration.Error;
            var output = asJson ? error : result.InvocationConfiguration.Output; // with --json stdout holds only the report
            var report = new ProvisionReport();
            int Finish(int exit, string? problem = null) => JsonResult.Finish(result, asJson, report, exit, problem);
            try
            {
                string? portName = result.GetValue(port);
                var targets = TcpTargets.Parse(result.GetValue(tcp), result.GetValue(tcpRange));
                if ((portName is null) == (targets.Count == 0)) throw new ArgumentException("give exactly one of --port and --tcp (or --tcp-range)");
                if (result.GetValue(readRomMac) && portName is null) throw new ArgumentException("--read-rom-mac needs a serial --port");
                if (targets.Count > 1 && result.GetValue(expectMac) is not null) throw new ArgumentException("--expect-mac names one device; it cannot be used with several --tcp targets");

                var (brokerHost, brokerPort) = TcpSerialLink.ParseEndpoint(result.GetValue(broker)!);
                string passVariable = result.GetValue(passEnv)!;
                string wifiPass = environment(passVariable)
                    ?? throw new ArgumentException($"environment variable {passVariable} (--wifi-pass-env) is not set; set it to the Wi-Fi passphrase, or to empty for an open network");
                byte[]? expected = result.GetValue(expectMac) is { } macText ? DeviceIdentity.ToMac(DeviceIdentity.FromMacText(macText)) : null;
                string? signingKeyPath = result.GetValue(releaseSigningKey);
                if (result.GetValue(factoryReset) && signingKeyPath is null)
                    throw new ArgumentException("--factory-reset needs --release-key: a provisioned board erases its identity only for a reset signed with its release key");
                if (!result.GetValue(factoryReset) && signingKeyPath is not null) throw new ArgumentException("--release-key is only used with --factory-reset");
                // Decrypted before the board is touched: its re-entry window is too short for a passphrase prompt.
                using var resetSigner = signingKeyPath is null ? null
                    : FactoryResetSigner.Load(signingKeyPath, NodeFirmware.Nodectl.Firmware.PassphraseSource.Get(result.GetValue(releasePassphraseEnv)!, confirm: false));
                var settings = new ProvisionSettings
                {
                    BrokerHost = brokerHost,
                    BrokerPort = brokerPort,
                    WifiSsid = result.GetValue(ssid)!,
                    WifiPassphrase = wifiPass,
                    ReleasePublicKey = ReleaseKeyFile.Load(result.GetValue(releaseKey)!),
                    ConfigOverrides = ConfigOverrides.Build(result.GetValue(config) ?? []),
                    Tags = (result.GetValue(tags) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Board = result.GetValue(board),
                    ExpectedMac = expected,
                    FactoryReset = result.GetValue(factoryReset),
                    ResetSigner = resetSigner,
                    KeyOnDevice = result.GetValue(keyOnDevice),
                    RebootWhenDone = !result.GetValue(noReboot),
                    CertificateValidity = result.GetValue(days) is int d ? TimeSpan.FromDays(d) : null,
                };

                var pki = new PkiStore(result.GetValue(caDir)!);
                var log = new AuditLog(result.GetValue(audit) ?? Path.Combine(pki.Root, "audit.jsonl"),
                    CaCommand.Station(result.GetValue(station)), OperatorName.Resolve(result.GetValue(operatorName), environment));
                using var registry = result.GetValue(receiver) is { } url
                    ? new ReceiverRegistry(Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"--receiver '{url}' is not a URL"),
                        token: ReceiverRegistry.ReadToken(result.GetValue(receiverToken), environment))
                    : null;
                using var ca = pki.OpenCa(caPassphrase());
                Func<string, string> registerAdvice = id => RegisterAdvice.CommandLine(id, result.GetValue(caDir)!, result.GetValue(receiver) ?? "",
                    result.GetValue(receiverToken), settings.Tags, settings.Board);

                if (portName is not null)
                {
                    using ISerialLink serial = SerialLinks.Open(portName, result.GetValue(baud));
                    // Into the firmware, as a DevKit's auto-reset does; --read-rom-mac goes through the ROM loader first.
                    bool reset = result.GetValue(readRomMac) || BoardConsole.TryResetIntoFirmware(serial);
                    if (result.GetValue(readRomMac))
                        settings = settings with { ExpectedMac = ReadRomMac(serial, expected, output), KnockFor = KnockWindow };
                    else if (settings.FactoryReset)
                        // A provisioned board listens for provisioning only briefly after the reset above: knock until it answers.
                        settings = settings with { KnockFor = KnockWindow };
                    var options = clientOptions ?? new ProvisioningClientOptions();
                    var board = new BoardOnPort(portName, settings.Board, BoardConsole.Listen(serial, options.BootListen), reset);
                    if (!reset) output.WriteLine($"{portName} has no DTR/RTS: the board was not reset; provisioning what runs on it");
                    return Finish(ProvisionOne(portName, serial, settings, pki, ca, log, registry, options, registerAdvice, report, output, error, board));
                }

                int failed = 0, unregistered = 0;
                foreach (var (host, tcpPort) in targets)
                {
                    try
                    {
                        using var link = new TcpSerialLink(host, tcpPort, TimeSpan.FromSeconds(5));
                        if (ProvisionOne($"{host}:{tcpPort}", link, settings, pki, ca, log, registry, clientOptions, registerAdvice, report, output, error) != 0) unregistered++;
                    }
                    catch (Exception e) when (targets.Count > 1 && e is ProvisioningFailedException or ProvisioningLinkException or FlashingException or IOException)
                    {
                        // one bad board does not stop the line: report it, go on, fail the run at the end
                        error.WriteLine($"error: {host}:{tcpPort}: {e.Message}");
                        report.Devices.Add(new ProvisionReport.ProvisionedBoard($"{host}:{tcpPort}", "failed", Error: e.Message));
                        failed++;
                    }
                }

                if (targets.Count > 1)
                    output.WriteLine($"{targets.Count - failed} of {targets.Count} devices provisioned" + (unregistered > 0 ? $", {unregistered} NOT registered" : ""));
                // 1: some device failed; 2: all provisioned but some not registered (nodectl register, as printed, registers them)
                return Finish(failed > 0 ? 1 : unregistered > 0 ? 2 : 0);
            }
            catch (ProvisioningFailedException e)
            {
                return Finish(1, e.Message);
            }
            catch (Exception e) when (e is PkiException or AuditException or ArgumentException or InvalidOperationException or NodeFirmware.Nodectl.Firmware.FirmwareToolException
                                          or FlashingException or ProvisioningLinkException or IOException or UnauthorizedAccessException)
            {
                return Finish(1, e.Message);
            }
        });
        return command;
    }

    /// <summary>Provisions the device on <paramref name="link"/>; 0 when done, 2 when provisioned but not registered.</summary>
    private static int ProvisionOne(string target, ISerialLink link, ProvisionSettings settings, PkiStore pki, FleetCa ca, AuditLog log,
        ReceiverRegistry? registry, ProvisioningClientOptions? clientOptions, Func<string, string> registerAdvice, ProvisionReport report,
        TextWriter output, TextWriter error, BoardOnPort? board = null)
    {
        var client = new ProvisioningClient(link, clientOptions) { Board = board };
        var outcome = new Provisioner(pki, ca, log, registry, output).Provision(client, settings);
        report.Devices.Add(ProvisionReport.ProvisionedBoard.From(target, outcome, registerAdvice(outcome.DeviceId)));
        output.WriteLine(outcome.Outcome == ProvisionOutcome.Provisioned
            ? $"provisioned {outcome.DeviceId}: certificate serial {outcome.CertSerial}, bundle sha256 {outcome.BundleSha256}"
            : $"{outcome.DeviceId} was already provisioned with certificate serial {outcome.CertSerial}");
        if (outcome.RegistrationProblem is not null)
        {
            error.WriteLine($"error: {outcome.DeviceId} is provisioned but NOT registered: {outcome.RegistrationProblem}. " +
                $"When the receiver is reachable, register it (the board need not be connected): {registerAdvice(outcome.DeviceId)}");
            return 2;
        }
        return 0;
    }

    /// <summary>Reads the efuse MAC over the ROM bootloader, checks it against --expect-mac, and resets into the firmware.</summary>
    private static byte[] ReadRomMac(ISerialLink link, byte[]? expected, TextWriter output)
    {
        var rom = new EspRomClient(link);
        rom.Connect();
        var mac = rom.ReadMac();
        byte[] bytes = mac.Bytes.ToArray();
        if (expected is not null && !expected.AsSpan().SequenceEqual(bytes))
            throw new ArgumentException($"the chip's efuse MAC is {mac}, not the --expect-mac given");
        output.WriteLine($"ROM bootloader: MAC {mac} ({mac.ToDeviceId()}); resetting into the firmware");
        link.DiscardInput();
        rom.HardReset(); // the boot text that follows is read by the caller
        return bytes;
    }
}
