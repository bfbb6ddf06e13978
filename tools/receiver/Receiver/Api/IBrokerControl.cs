namespace NodeFirmware.Receiver.Api;

/// <summary>Makes the broker apply a new CRL, which disconnects revoked devices. Supplied by whoever runs the broker.</summary>
public interface IBrokerControl
{
    /// <summary>False when no broker is under this receiver's control.</summary>
    Task<bool> ReloadAsync(CancellationToken ct);
}

/// <summary>For a receiver that does not run next to its broker: revocations reach the broker some other way.</summary>
public sealed class NoBrokerControl : IBrokerControl
{
    public Task<bool> ReloadAsync(CancellationToken ct) => Task.FromResult(false);
}

/// <summary>Adapts a callback, e.g. a test's MosquittoInstance restart.</summary>
public sealed class CallbackBrokerControl(Func<CancellationToken, Task> reload) : IBrokerControl
{
    public async Task<bool> ReloadAsync(CancellationToken ct)
    {
        await reload(ct);
        return true;
    }
}
