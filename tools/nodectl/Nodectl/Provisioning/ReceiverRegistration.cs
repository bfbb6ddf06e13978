using System.Net.Http.Json;
using System.Text.Json.Serialization;

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
/// token (role provisioner: it may add devices, nothing else) as 'Authorization: Bearer'.
/// </summary>
public sealed class ReceiverRegistry : IDeviceRegistry, IDisposable
{
    public const string TokenVariable = "NODEFIRMWARE_RECEIVER_TOKEN";
    private readonly HttpClient _http;

    /// <summary>The token from --receiver-token-file, else from the environment; null if neither is given.</summary>
    public static string? ReadToken(string? file, Func<string, string?> environment)
    {
        if (file is not null)
        {
            if (!File.Exists(file)) throw new ArgumentException($"receiver token file '{file}' does not exist");
            return File.ReadAllText(file).Trim();
        }
        return environment(TokenVariable) is { Length: > 0 } t ? t.Trim() : null;
    }

    public ReceiverRegistry(Uri baseAddress, TimeSpan? timeout = null, HttpMessageHandler? handler = null, string? token = null)
    {
        if (!baseAddress.IsAbsoluteUri || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"'{baseAddress}' is not an http(s) URL", nameof(baseAddress));
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = new Uri(baseAddress.ToString().TrimEnd('/') + "/");
        _http.Timeout = timeout ?? TimeSpan.FromSeconds(15);
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new("Bearer", token);
    }

    public string Name => _http.BaseAddress!.ToString();

    public void Register(DeviceRegistration registration)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/devices") { Content = JsonContent.Create(registration) };
        HttpResponseMessage response;
        try
        {
            response = _http.Send(request);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new RegistrationException($"cannot reach the receiver at {Name}: {e.Message}", e);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode) return;
            string body;
            try { body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult(); }
            catch (Exception) { body = ""; }
            if (body.Length > 300) body = body[..300] + "…";
            throw new RegistrationException($"the receiver at {Name} refused the registration of {registration.Id}: {(int)response.StatusCode} {response.ReasonPhrase} {body}".TrimEnd());
        }
    }

    public void Dispose() => _http.Dispose();
}
