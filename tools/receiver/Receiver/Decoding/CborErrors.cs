using System.Formats.Cbor;

namespace NodeFirmware.Receiver.Decoding;

/// <summary>Turns System.Formats.Cbor's exceptions into <see cref="PayloadRejected"/>.</summary>
internal static class CborErrors
{
    public static T Guard<T>(string payloadName, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (PayloadRejected)
        {
            throw;
        }
        catch (CborContentException e)
        {
            throw new PayloadRejected(RejectReason.MalformedCbor, payloadName + " is not valid strict CBOR: " + e.Message, e);
        }
        catch (FormatException e)
        {
            throw new PayloadRejected(RejectReason.MalformedCbor, payloadName + " is not valid CBOR: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            // The reader reports structure errors (e.g. an array shorter than its header) this way.
            throw new PayloadRejected(RejectReason.MalformedCbor, payloadName + " has a structure error: " + e.Message, e);
        }
        catch (OverflowException e)
        {
            throw new PayloadRejected(RejectReason.ValueOverflow, payloadName + " has a number out of range: " + e.Message, e);
        }
    }
}
