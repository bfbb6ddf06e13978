namespace NodeFirmware.Core.Ota
{
    /// <summary>The reason codes an OTA result carries in "err" as "code: detail" (docs/formats/firmware-package.md).</summary>
    public static class OtaFailure
    {
        public const string BadOffer = "bad-offer";
        public const string BadSignature = "bad-signature";
        public const string UnknownKey = "unknown-key";
        public const string BadManifest = "bad-manifest";
        public const string BoardMismatch = "board-mismatch";
        public const string LoaderTooOld = "loader-too-old";
        public const string NotNewer = "not-newer";
        public const string BadAuthorization = "bad-authorization";
        public const string BelowFloor = "below-floor";
        public const string Busy = "busy";
        public const string Superseded = "superseded";
        public const string ChunkCorrupt = "chunk-corrupt";
        public const string HashMismatch = "hash-mismatch";
        public const string Storage = "storage";
        public const string VerifyFailed = "verify-failed";
        public const string RolledBack = "rolled-back";
        public const string Stalled = "stalled";

        public static string Format(string code, string detail)
        {
            return detail == null || detail.Length == 0 ? code : code + ": " + detail;
        }
    }
}
