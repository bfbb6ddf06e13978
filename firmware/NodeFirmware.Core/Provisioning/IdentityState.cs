namespace NodeFirmware.Core.Provisioning
{
    /// <summary>Where a device's identity stands.</summary>
    public enum IdentityState
    {
        /// <summary>Never provisioned, or factory-reset.</summary>
        Empty = 0,
        /// <summary>A bundle is stored but the host has not confirmed its hash yet; a new PutBundle replaces it.</summary>
        Stored = 1,
        /// <summary>The bundle is the device's identity; only a FactoryReset removes it.</summary>
        Committed = 2,
        /// <summary>
        /// A committed bundle that does not make a usable identity (it does not decode, or its certificate or key
        /// is malformed, or the TLS library refused them). Never written to flash: the device finds it at boot
        /// and reports it; PutBundle replaces the bundle without a FactoryReset.
        /// </summary>
        Corrupt = 3,
    }
}
