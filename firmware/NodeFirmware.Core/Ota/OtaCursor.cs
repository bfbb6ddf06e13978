namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// What the OTA client must remember across reboots (docs/formats/boot-state.md, "OTA cursor"): the download
    /// in progress (which campaign, which verified manifest, which file) and the last campaign's result. How
    /// far into the current file the download got is not stored: the file's length in the slot says it.
    /// </summary>
    public class OtaCursor
    {
        public const int Idle = 0;
        public const int Downloading = 1;

        /// <summary>Every file verified and the slot marked trial: waiting for the reboot and the confirmation.</summary>
        public const int Installed = 2;

        public int Phase = Idle;
        public string CampaignId = "";

        /// <summary>SHA-256 of the manifest bytes accepted for this campaign (32 bytes, or empty when idle).</summary>
        public byte[] ManifestDigest = new byte[0];

        public int TargetSlot = BootState.NoSlot;
        public int FileIndex;

        /// <summary>Hash mismatches of the current file so far (each one restarts the file).</summary>
        public int FileFailures;

        /// <summary>Consecutive wakes on which the cloud stopped answering chunk requests.</summary>
        public int Stalls;

        public int ChunkSize;

        public string LastCampaignId = "";
        public bool LastOk;
        public string LastError = "";
        public string LastVersion = "";

        /// <summary>False from the moment a result is recorded until it has been handed to a connected session.</summary>
        public bool LastReported = true;
    }
}
