using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;

namespace NodeFirmware.HilTests.Rig;

/// <summary>
/// What the factory station does to a board over its serial line, with nodectl's own code: the ROM-loader flash
/// (connect, chip, MAC, attach, write with MD5 verify, hard reset) and the provisioning run.
/// </summary>
public static class FactoryStation
{
    public static FlashOutcome Flash(ISerialLink link, IReadOnlyList<FlashImage> images, EspRomClientOptions? options = null, bool resetAfter = true)
    {
        var client = new EspRomClient(link, options);
        client.Connect();
        string chip = client.DetectChip();
        if (!chip.Contains("ESP32", StringComparison.OrdinalIgnoreCase)) throw new FlashingException($"the rig's board is a {chip}, not an ESP32");
        var mac = client.ReadMac();
        client.AttachSpiFlash();
        if (FlashRunner.FlashSizeFromJedec(client.ReadFlashId()) is { } size) client.SetFlashParameters(size);
        var results = client.WriteFlash(images, compress: true, verify: true);
        if (resetAfter) client.HardReset();
        return new FlashOutcome(mac.ToDeviceId(), results.Select(r => r.VerifiedMd5 ?? "").ToList());
    }

    public static ProvisionResult Provision(ISerialLink link, Provisioner provisioner, ProvisionSettings settings, ProvisioningClientOptions? options = null)
    {
        link.DiscardInput(); // boot messages
        return provisioner.Provision(new ProvisioningClient(link, options), settings);
    }

    /// <summary>The settings a rig's boards get: the rig's broker, a test Wi-Fi, a report every 5 minutes.</summary>
    public static ProvisionSettings Settings(string brokerHost, int brokerPort, string board, string[]? config = null) => new()
    {
        BrokerHost = brokerHost,
        BrokerPort = brokerPort,
        WifiSsid = "hil-rig",
        WifiPassphrase = "hil rig wifi passphrase",
        ReleasePublicKey = Support.HilRelease.PublicKey,
        ConfigOverrides = ConfigOverrides.Build(config ?? ["sample_s=60", "report_s=300"]),
        Tags = ["hil"],
        Board = board,
    };
}
