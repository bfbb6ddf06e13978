namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>What every device provisioned in one run gets, apart from its own key and certificate.</summary>
public sealed record ProvisionSettings
{
    public required string BrokerHost { get; init; }
    public required int BrokerPort { get; init; }
    public required string WifiSsid { get; init; }

    /// <summary>Secret: goes into the bundle only, never into logs or the audit record.</summary>
    public required string WifiPassphrase { get; init; }

    public required byte[] ReleasePublicKey { get; init; }

    /// <summary>CBOR map of configuration keys, or null.</summary>
    public byte[]? ConfigOverrides { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Board { get; init; }

    /// <summary>The MAC read over the ROM bootloader or from the label; the device's report must match it.</summary>
    public byte[]? ExpectedMac { get; init; }

    /// <summary>Erase a committed identity first (FACTORY_RESET signed by <see cref="ResetSigner"/>) instead of refusing.</summary>
    public bool FactoryReset { get; init; }

    /// <summary>The release key that signs the FACTORY_RESET of a provisioned board; needed with <see cref="FactoryReset"/>.</summary>
    public FactoryResetSigner? ResetSigner { get; init; }

    /// <summary>
    /// The board was just reset: knock with HELLO this long for its re-entry window (a provisioned board listens
    /// only briefly after a reset) instead of the usual HELLO attempts. Null: the usual HELLO.
    /// </summary>
    public TimeSpan? KnockFor { get; init; }

    /// <summary>Ask the device to restart into normal operation once committed.</summary>
    public bool RebootWhenDone { get; init; } = true;

    /// <summary>
    /// The device makes its own key (GENERATE_KEY) and sends a certificate request; the bundle carries the certificate
    /// and no key. Otherwise the key is made here and sent in the bundle.
    /// </summary>
    public bool KeyOnDevice { get; init; }

    /// <summary>Device certificate validity; null for the CA's default.</summary>
    public TimeSpan? CertificateValidity { get; init; }
}
