namespace NodeFirmware.Core.Ota
{
    /// <summary>What the OTA client needs to know about the device and how patient it is.</summary>
    public class OtaClientSettings
    {
        /// <summary>The certificate's CN; topics are nodes/{DeviceId}/ota/…</summary>
        public string DeviceId;

        /// <summary>This board's identifier, matched against the manifest's board list.</summary>
        public string Board;

        /// <summary>The version of the Loader on this device.</summary>
        public int LoaderVersion;

        /// <summary>The version of the running application ("1.4.0+7").</summary>
        public string RunningVersion;

        /// <summary>The provisioned release public key (32 bytes, Ed25519).</summary>
        public byte[] ReleasePublicKey;

        /// <summary>The largest chunk the device asks for (bytes).</summary>
        public int MaxChunkSize = 2048;

        /// <summary>Chunk requests in flight at once.</summary>
        public int Window = 4;

        /// <summary>A request unanswered this long is sent again.</summary>
        public int ChunkTimeoutMillis = 15000;

        /// <summary>Re-sends of one chunk (after a timeout or a damaged answer) before giving up.</summary>
        public int MaxChunkRetries = 4;

        /// <summary>Complete re-downloads of a file whose SHA-256 did not match, before the update fails.</summary>
        public int MaxFileRetries = 2;

        /// <summary>Wakes in a row on which the cloud did not answer before the update fails.</summary>
        public int MaxStalls = 5;

        /// <summary>Trial boots and the health signals a new image needs before it confirms itself.</summary>
        public RollbackPolicy Rollback = new RollbackPolicy();

        /// <summary>Boots a new image gets to confirm itself before the Loader reverts it (the policy's MaxTrialBoots).</summary>
        public int TrialAttempts
        {
            get { return Rollback.MaxTrialBoots; }
            set { Rollback.MaxTrialBoots = value; }
        }
    }
}
