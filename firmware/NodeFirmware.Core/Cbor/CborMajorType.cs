namespace NodeFirmware.Core.Cbor
{
    /// <summary>The eight major types of RFC 8949, section 3.1.</summary>
    public enum CborMajorType
    {
        UnsignedInteger = 0,
        NegativeInteger = 1,
        ByteString = 2,
        TextString = 3,
        Array = 4,
        Map = 5,
        Tag = 6,
        SimpleOrFloat = 7,
    }
}
