namespace NodeFirmware.Receiver.Api;

/// <summary>Adds a certificate serial to the fleet's CRL and writes the new CRL file.</summary>
public interface ICrlPublisher
{
    /// <summary>False when this receiver has no PKI to publish to.</summary>
    Task<bool> RevokeAsync(string serialHex, string subject, CancellationToken ct);
}

public sealed class NoCrlPublisher : ICrlPublisher
{
    public Task<bool> RevokeAsync(string serialHex, string subject, CancellationToken ct) => Task.FromResult(false);
}
