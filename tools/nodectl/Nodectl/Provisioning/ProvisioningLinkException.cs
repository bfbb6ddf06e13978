using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>The device did not answer, answered nonsense, or is not speaking the provisioning protocol.</summary>
public class ProvisioningLinkException : Exception
{
    public ProvisioningLinkException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The device answered a request with an Error frame.</summary>
public sealed class DeviceRefusedException : ProvisioningLinkException
{
    public DeviceRefusedException(MessageType request, ErrorCode code, string deviceMessage)
        : base($"the device refused {request}: {code} ({deviceMessage})")
    {
        Request = request;
        Code = code;
        DeviceMessage = deviceMessage;
    }

    public MessageType Request { get; }
    public ErrorCode Code { get; }
    public string DeviceMessage { get; }
}

/// <summary>The board cannot be provisioned as it is (download mode, no firmware, an identity already); the message says what to do.</summary>
public sealed class BoardNotReadyException : ProvisioningLinkException
{
    public BoardNotReadyException(string message, Exception? inner = null) : base(message, inner) { }
}
