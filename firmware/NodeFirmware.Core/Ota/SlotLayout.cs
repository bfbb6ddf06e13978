namespace NodeFirmware.Core.Ota
{
    /// <summary>Names shared by the OTA client, the Loader and the tools.</summary>
    public static class SlotLayout
    {
        public const int SlotA = 0;
        public const int SlotB = 1;
        public const int SlotCount = 2;

        /// <summary>The slot file holding the manifest bytes followed by the 64-byte Ed25519 signature.</summary>
        public const string ManifestFileName = "manifest.nfm";

        public static string SlotName(int slot)
        {
            return slot == SlotA ? "A" : slot == SlotB ? "B" : "none";
        }

        public static int Other(int slot)
        {
            return slot == SlotA ? SlotB : SlotA;
        }
    }
}
