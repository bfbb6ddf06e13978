namespace NodeFirmware.Core.Provisioning
{
    /// <summary>Codes carried by an Error reply.</summary>
    public enum ErrorCode
    {
        /// <summary>A frame with a valid header failed its CRC.</summary>
        BadFrame = 1,
        UnsupportedVersion = 2,
        PayloadTooLarge = 3,
        UnknownMessage = 4,
        /// <summary>The bundle is not well-formed CBOR or a field is missing, unknown, of the wrong type or size.</summary>
        BadBundle = 5,
        /// <summary>The bundle's device id is not the one derived from this device's MAC.</summary>
        WrongDevice = 6,
        /// <summary>A committed identity exists; a FactoryReset must come first.</summary>
        AlreadyProvisioned = 7,
        /// <summary>Commit without a stored bundle.</summary>
        NothingStored = 8,
        /// <summary>Commit named a hash other than the stored bundle's.</summary>
        HashMismatch = 9,
        /// <summary>FactoryReset of a device without a committed identity, without the right confirmation token.</summary>
        BadToken = 10,
        /// <summary>Writing or reading back the identity storage failed.</summary>
        StorageFailed = 11,
        /// <summary>The bundle's configuration overrides are not a valid configuration.</summary>
        InvalidConfig = 12,
        /// <summary>A request's payload does not fit its message type.</summary>
        BadRequest = 13,
        /// <summary>A signed FactoryReset for another challenge than this boot's (replayed, or from an earlier boot).</summary>
        StaleChallenge = 14,
        /// <summary>A signed FactoryReset whose signature does not verify with the device's release key.</summary>
        BadSignature = 15,
        /// <summary>A bundle without a private key, but this session generated none (GENERATE_KEY first; a key does not survive a restart).</summary>
        NoGeneratedKey = 16,
        /// <summary>A bundle without a private key whose certificate is not for the key this device generated.</summary>
        KeyMismatch = 17,
        /// <summary>The device could not make a key (no random source, or it gave no usable scalar).</summary>
        KeyGenerationFailed = 18,
        /// <summary>SELF_TEST on a device whose host gave the session no hardware to check.</summary>
        SelfTestUnavailable = 19,
    }
}
