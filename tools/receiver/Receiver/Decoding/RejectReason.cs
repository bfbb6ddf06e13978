namespace NodeFirmware.Receiver.Decoding;

/// <summary>Why a payload was not stored. The code text is what quarantine rows and metrics labels carry.</summary>
public enum RejectReason
{
    TooLarge,
    Empty,
    MalformedCbor,
    TrailingData,
    WrongType,
    MissingField,
    UnknownField,
    DuplicateField,
    UnsupportedVersion,
    LimitExceeded,
    LengthMismatch,
    ValueOverflow,
    InvalidFault,
    InvalidDeviceId,
    DeviceMismatch,
    UnknownUnit,
    UnitMismatch,
    OutOfRange,
    InvalidTopic,
    InvalidStatus,
}

public static class RejectReasonCodes
{
    public static string ToCode(this RejectReason reason) => reason switch
    {
        RejectReason.TooLarge => "too-large",
        RejectReason.Empty => "empty",
        RejectReason.MalformedCbor => "malformed-cbor",
        RejectReason.TrailingData => "trailing-data",
        RejectReason.WrongType => "wrong-type",
        RejectReason.MissingField => "missing-field",
        RejectReason.UnknownField => "unknown-field",
        RejectReason.DuplicateField => "duplicate-field",
        RejectReason.UnsupportedVersion => "unsupported-version",
        RejectReason.LimitExceeded => "limit-exceeded",
        RejectReason.LengthMismatch => "length-mismatch",
        RejectReason.ValueOverflow => "value-overflow",
        RejectReason.InvalidFault => "invalid-fault",
        RejectReason.InvalidDeviceId => "invalid-device-id",
        RejectReason.DeviceMismatch => "device-mismatch",
        RejectReason.UnknownUnit => "unknown-unit",
        RejectReason.UnitMismatch => "unit-mismatch",
        RejectReason.OutOfRange => "out-of-range",
        RejectReason.InvalidTopic => "invalid-topic",
        RejectReason.InvalidStatus => "invalid-status",
        _ => "unknown",
    };

    public static IReadOnlyList<RejectReason> All { get; } = Enum.GetValues<RejectReason>();
}
