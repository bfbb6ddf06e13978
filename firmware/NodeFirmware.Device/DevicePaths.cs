namespace NodeFirmware.Device
{
    /// <summary>
    /// Where NodeFirmware keeps its state on internal storage: I:\ is LittleFS on the "config" partition
    /// (bootloader-config/README.md). Shared by the application and the Loader, which compiles this file in.
    /// </summary>
    public static class DevicePaths
    {
        public const string StateDirectory = "I:\\nodefw";

        /// <summary>The slots live in I:\slotA\ and I:\slotB\.</summary>
        public const string SlotParent = "I:\\";

        /// <summary>NodePlatform.Storage: the configuration (2 sectors) and the journal.</summary>
        public const string DataFile = "I:\\nodefw\\data.bin";

        /// <summary>Boot state (two copies), read and written by the Loader and the OTA client.</summary>
        public const string BootStateFile = "I:\\nodefw\\boot.bin";

        public const string OtaCursorFile = "I:\\nodefw\\ota.bin";

        /// <summary>The rollback policy (Core's RollbackPolicyCodec), written by nodectl at provisioning; absent means defaults.</summary>
        public const string RollbackPolicyFile = "I:\\nodefw\\rollback.cbor";

        /// <summary>The provisioning bundle (Core's IdentityStore).</summary>
        public const string IdentityFile = "I:\\nodefw\\identity.bin";

        /// <summary>The boot counter in each boot's reset challenge (Core's ResetChallenge).</summary>
        public const string ChallengeCounterFile = "I:\\nodefw\\challenge.bin";

        /// <summary>The factory self-test's scratch sector (Core's SelfTest erases it, writes a pattern, reads it back, erases it).</summary>
        public const string SelfTestFile = "I:\\nodefw\\selftest.bin";

        public const int SectorSize = 4096;

        /// <summary>256 KB: 2 configuration sectors and 62 journal sectors.</summary>
        public const int DataSectors = 64;

        /// <summary>A DualCopyStore needs two sectors.</summary>
        public const int StoreSectors = 2;
    }
}
