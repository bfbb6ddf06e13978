namespace NodeFirmware.Receiver.Decoding;

/// <summary>A payload that cannot be stored: the only exception the decoders and the validator throw for bad input.</summary>
public sealed class PayloadRejected : Exception
{
    public PayloadRejected(RejectReason reason, string message, Exception? inner = null)
        : base(reason.ToCode() + ": " + message, inner)
    {
        Reason = reason;
        Detail = message;
    }

    public RejectReason Reason { get; }

    /// <summary>The message without the reason code prefix.</summary>
    public string Detail { get; }

    public string Code => Reason.ToCode();
}
