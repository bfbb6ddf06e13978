namespace NodeFirmware.Core.Provisioning
{
    /// <summary>Message types; requests go host → device, replies (high bit set) device → host.</summary>
    public enum MessageType : byte
    {
        /// <summary>Asks who the device is. Empty payload.</summary>
        Hello = 0x01,

        /// <summary>Carries the CBOR bundle to store (uncommitted).</summary>
        PutBundle = 0x02,

        /// <summary>Marks the stored bundle as the device's identity. Payload: the 32-byte SHA-256 the device reported.</summary>
        Commit = 0x03,

        /// <summary>Asks the device to restart into normal operation. Empty payload.</summary>
        Reboot = 0x04,

        /// <summary>
        /// Erases the identity. Payload on a device with a committed identity: the signed form
        /// (<see cref="FactoryResetAuthorization"/>); otherwise the confirmation token "RESET " + device id, UTF-8.
        /// </summary>
        FactoryReset = 0x05,

        /// <summary>
        /// Asks the device to make its own P-256 key pair and keep it, pending, for the next PUT_BUNDLE, whose bundle then
        /// carries the certificate without a key. Empty payload.
        /// </summary>
        GenerateKey = 0x06,

        /// <summary>Asks the firmware to check its board (<see cref="SelfTest"/>). Empty payload.</summary>
        SelfTest = 0x07,

        /// <summary>Reply to Hello: CBOR map (see <see cref="DeviceHello"/>).</summary>
        HelloReply = 0x81,

        /// <summary>Reply to PutBundle: the 32-byte SHA-256 of the bundle bytes as read back from storage.</summary>
        Stored = 0x82,

        /// <summary>Reply to Commit. Empty payload.</summary>
        Committed = 0x83,

        /// <summary>Reply to Reboot, sent before the device restarts. Empty payload.</summary>
        Rebooting = 0x84,

        /// <summary>Reply to FactoryReset. Empty payload.</summary>
        ResetDone = 0x85,

        /// <summary>Reply to GenerateKey: the PKCS#10 certificate request, DER, signed by the new key (<see cref="CsrBuilder"/>).</summary>
        CertificateRequest = 0x86,

        /// <summary>Reply to SelfTest: CBOR { "pass": bool, "checks": [ { "name", "ok", "detail" } ... ] }.</summary>
        SelfTestResult = 0x87,

        /// <summary>Any request that failed: CBOR map { "code": uint, "msg": text }.</summary>
        Error = 0xEE,
    }
}
