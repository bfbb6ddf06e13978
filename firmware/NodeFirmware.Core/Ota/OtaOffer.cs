namespace NodeFirmware.Core.Ota
{
    /// <summary>nodes/{id}/ota/offer: a campaign offering one signed package to the device.</summary>
    public class OtaOffer
    {
        /// <summary>The campaign's id (1–64 characters); requests, progress and result carry it back.</summary>
        public string CampaignId;

        public byte[] Manifest;
        public byte[] Signature;

        /// <summary>
        /// For a downgrade only: the encoded <see cref="DowngradeAuthorization"/> ("auth") and its release-key
        /// signature ("asig"); null otherwise. Nothing unsigned in the offer can allow a downgrade.
        /// </summary>
        public byte[] Authorization;
        public byte[] AuthorizationSignature;

        /// <summary>The largest chunk the cloud serves; the device asks for at most min(this, its own limit).</summary>
        public int ChunkSize;
    }

    /// <summary>nodes/{id}/ota/req: the device asks for <see cref="Length"/> bytes of file <see cref="FileIndex"/> at <see cref="Offset"/>.</summary>
    public class OtaChunkRequest
    {
        public string CampaignId;
        public int FileIndex;
        public int Offset;
        public int Length;
    }

    /// <summary>nodes/{id}/ota/chunk: the cloud's answer, with a CRC-32 of the data against transport damage.</summary>
    public class OtaChunk
    {
        public string CampaignId;
        public int FileIndex;
        public int Offset;
        public byte[] Data;
        public uint Crc;
    }
}
