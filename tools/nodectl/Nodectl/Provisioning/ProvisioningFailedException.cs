namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>A provisioning run stopped; the message says at which stage and what state it left. The audit log has the same.</summary>
public sealed class ProvisioningFailedException : Exception
{
    public ProvisioningFailedException(string stage, string? deviceId, string message, Exception? inner = null) : base(message, inner)
    {
        Stage = stage;
        DeviceId = deviceId;
    }

    public string Stage { get; }
    public string? DeviceId { get; }
}
