namespace NodeFirmware.Core.Provisioning
{
    /// <summary>Why <see cref="FrameDecoder"/> threw a frame away.</summary>
    public enum FrameRejectReason
    {
        None = 0,
        /// <summary>"NFP" was found but the header CRC did not match: noise, or a header damaged in transit.</summary>
        HeaderCrc = 1,
        /// <summary>The header was sound but the payload or frame CRC was not.</summary>
        FrameCrc = 2,
        /// <summary>The header announced a payload longer than this side accepts; its bytes are skipped.</summary>
        Oversized = 3,
        /// <summary>A sound frame of a protocol version this side does not speak.</summary>
        UnsupportedVersion = 4,
    }
}
