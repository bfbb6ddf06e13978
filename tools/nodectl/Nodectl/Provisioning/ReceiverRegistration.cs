using System.Text.Json.Serialization;
using NodeFirmware.Nodectl.ReceiverApi;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>The body of the receiver's POST /api/devices.</summary>
public sealed record DeviceRegistration(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("certSerial")] string CertSerial,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("board")] string? Board);

/// <summary>Where provisioned devices get registered.</summary>
public interface IDeviceRegistry
{
    string Name { get; }

    /// <summary>Registers (or re-registers) a device; throws <see cref="RegistrationException"/> when the registry refuses or cannot be reached.</summary>
    void Register(DeviceRegistration registration);
}

public sealed class RegistrationException : Exception
{
    public RegistrationException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// Registers devices with the receiver over HTTP: POST {base}/api/devices with a JSON body and the station's API
/// token (role provisioner: it may add devices, nothing else) as 'Authorization: Bearer', through <see cref="ReceiverClient"/>.
/// </summary>
public sealed class ReceiverRegistry : IDeviceRegistry, IDisposable
{
    public const string TokenVariable = ReceiverClient.TokenVariable;
    private readonly ReceiverClient _client;

    /// <summary>The token from --receiver-token-file, else from the environment; null if neither is given.</summary>
    public static string? ReadToken(string? file, Func<string, string?> environment) => ReceiverClient.ReadToken(file, environment);

    public ReceiverRegistry(Uri baseAddress, TimeSpan? timeout = null, HttpMessageHandler? handler = null, string? token = null) =>
        _client = new ReceiverClient(baseAddress, timeout, handler, token);

    public string Name => _client.Name;

    public void Register(DeviceRegistration registration)
    {
        ReceiverResponse response;
        try
        {
            response = _client.Send(HttpMethod.Post, "api/devices", registration);
        }
        catch (ReceiverUnreachableException e)
        {
            throw new RegistrationException(e.Message, e);
        }
        if (response.IsSuccess) return;
        string body = response.Body.Length > 300 ? response.Body[..300] + "…" : response.Body;
        throw new RegistrationException($"the receiver at {Name} refused the registration of {registration.Id}: {response.Status} {response.ReasonPhrase} {body}".TrimEnd());
    }

    public void Dispose() => _client.Dispose();
}
