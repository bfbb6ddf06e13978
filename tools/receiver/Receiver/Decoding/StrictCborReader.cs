using System.Formats.Cbor;

namespace NodeFirmware.Receiver.Decoding;

/// <summary>
/// System.Formats.Cbor in strict conformance mode (shortest-form heads, valid UTF-8, no duplicate keys), with
/// reads that say which field was wrong. Indefinite lengths are refused: the firmware never writes them.
/// </summary>
internal sealed class StrictCborReader
{
    private readonly CborReader _reader;

    public StrictCborReader(ReadOnlyMemory<byte> payload)
    {
        _reader = new CborReader(payload, CborConformanceMode.Strict, allowMultipleRootLevelValues: false);
    }

    public int BytesRemaining => _reader.BytesRemaining;

    public CborReaderState Peek() => _reader.PeekState();

    public int ReadMapStart(string what)
    {
        Expect(CborReaderState.StartMap, what, "a map");
        int? count = _reader.ReadStartMap();
        if (count is null) throw new PayloadRejected(RejectReason.MalformedCbor, what + " has an indefinite length");
        return count.Value;
    }

    public void ReadMapEnd() => _reader.ReadEndMap();

    public int ReadArrayStart(string what)
    {
        Expect(CborReaderState.StartArray, what, "an array");
        int? count = _reader.ReadStartArray();
        if (count is null) throw new PayloadRejected(RejectReason.MalformedCbor, what + " has an indefinite length");
        return count.Value;
    }

    public void ReadArrayEnd() => _reader.ReadEndArray();

    public string ReadText(string what, int maxLength)
    {
        Expect(CborReaderState.TextString, what, "a text string");
        string text = _reader.ReadTextString();
        if (text.Length > maxLength)
            throw new PayloadRejected(RejectReason.LimitExceeded, $"{what} is {text.Length} characters long (at most {maxLength})");
        return text;
    }

    public byte[] ReadBytes(string what, int maxLength)
    {
        Expect(CborReaderState.ByteString, what, "a byte string");
        byte[] bytes = _reader.ReadByteString();
        if (bytes.Length > maxLength)
            throw new PayloadRejected(RejectReason.LimitExceeded, $"{what} is {bytes.Length} bytes long (at most {maxLength})");
        return bytes;
    }

    public long ReadUnsigned(string what, long max)
    {
        Expect(CborReaderState.UnsignedInteger, what, "an unsigned integer");
        ulong value = _reader.ReadUInt64();
        if (value > (ulong)max)
            throw new PayloadRejected(RejectReason.ValueOverflow, $"{what} = {value} exceeds {max}");
        return (long)value;
    }

    public long ReadInteger(string what) => ReadInteger(what, -1);

    /// <summary>Reads an integer; <paramref name="what"/>[<paramref name="index"/>] names it in an error (index -1: no index).</summary>
    public long ReadInteger(string what, int index)
    {
        var state = _reader.PeekState();
        if (state != CborReaderState.UnsignedInteger && state != CborReaderState.NegativeInteger)
            throw WrongType(Name(what, index), "an integer", state);
        try
        {
            return _reader.ReadInt64();
        }
        catch (OverflowException e)
        {
            throw new PayloadRejected(RejectReason.ValueOverflow, Name(what, index) + " does not fit a 64-bit integer", e);
        }
    }

    /// <summary>Reads an integer or null; null when the CBOR item is null.</summary>
    public long? ReadIntegerOrNull(string what, int index)
    {
        if (_reader.PeekState() == CborReaderState.Null)
        {
            _reader.ReadNull();
            return null;
        }
        return ReadInteger(what, index);
    }

    private static string Name(string what, int index) => index < 0 ? what : $"{what}[{index}]";

    public bool ReadBoolean(string what)
    {
        Expect(CborReaderState.Boolean, what, "a boolean");
        return _reader.ReadBoolean();
    }

    public void Skip() => _reader.SkipValue();

    private void Expect(CborReaderState expected, string what, string description)
    {
        var state = _reader.PeekState();
        if (state != expected) throw WrongType(what, description, state);
    }

    private static PayloadRejected WrongType(string what, string description, CborReaderState found) =>
        new(RejectReason.WrongType, $"{what} must be {description}, found {Describe(found)}");

    private static string Describe(CborReaderState state) => state switch
    {
        CborReaderState.EndArray or CborReaderState.EndMap => "the end of its container",
        CborReaderState.Finished => "the end of the payload",
        _ => state.ToString(),
    };
}
