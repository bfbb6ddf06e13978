using System.Net.Http.Json;
using System.Text.Json;

namespace NodeFirmware.Nodectl.ReceiverApi;

/// <summary>The receiver did not answer (connection refused, timeout, an answer larger than the limit).</summary>
public sealed class ReceiverUnreachableException : Exception
{
    public ReceiverUnreachableException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>One answer of the receiver's API: the HTTP status and the body as text.</summary>
public sealed record ReceiverResponse(int Status, string? ReasonPhrase, string Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>
    /// The receiver's reason for a refusal: the "error" of its JSON error body ({"error": "..."}, docs/receiver.md), else the
    /// status line and the start of whatever it sent.
    /// </summary>
    public string Reason
    {
        get
        {
            try
            {
                using var doc = JsonDocument.Parse(Body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String)
                    return e.GetString()!;
            }
            catch (JsonException) { }
            string body = Body.Length > 300 ? Body[..300] + "…" : Body;
            return $"{Status} {ReasonPhrase} {body}".TrimEnd();
        }
    }
}

/// <summary>
/// The receiver's HTTP API as nodectl calls it (register, campaigns): a base URL, the API token from
/// --receiver-token-file or <see cref="TokenVariable"/> sent as 'Authorization: Bearer', a timeout and a bound on
/// the answer's size. Calls are synchronous, as nodectl's commands are.
/// </summary>
public sealed class ReceiverClient : IDisposable
{
    public const string TokenVariable = "NODEFIRMWARE_RECEIVER_TOKEN";

    /// <summary>Largest answer read (a campaign with its per-device progress for a large fleet fits many times).</summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;

    /// <summary>Largest token file read; a token is some 50 characters.</summary>
    public const int MaxTokenFileBytes = 4096;

    private readonly HttpClient _http;

    /// <summary>The token from --receiver-token-file, else from the environment; null if neither is given.</summary>
    public static string? ReadToken(string? file, Func<string, string?> environment)
    {
        if (file is not null)
        {
            if (!File.Exists(file)) throw new ArgumentException($"receiver token file '{file}' does not exist");
            if (new FileInfo(file).Length > MaxTokenFileBytes) throw new ArgumentException($"receiver token file '{file}' is over {MaxTokenFileBytes} bytes: not a token");
            return File.ReadAllText(file).Trim();
        }
        return environment(TokenVariable) is { Length: > 0 } t ? t.Trim() : null;
    }

    /// <summary>Parses --receiver: an absolute http(s) URL; throws <see cref="ArgumentException"/> naming it otherwise.</summary>
    public static Uri ParseUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException($"--receiver '{url}' is not an http(s) URL");

    public ReceiverClient(Uri baseAddress, TimeSpan? timeout = null, HttpMessageHandler? handler = null, string? token = null)
    {
        if (!baseAddress.IsAbsoluteUri || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"'{baseAddress}' is not an http(s) URL", nameof(baseAddress));
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = new Uri(baseAddress.ToString().TrimEnd('/') + "/");
        _http.Timeout = timeout ?? TimeSpan.FromSeconds(15);
        _http.MaxResponseContentBufferSize = MaxResponseBytes;
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new("Bearer", token);
    }

    /// <summary>The base URL, as messages name the receiver.</summary>
    public string Name => _http.BaseAddress!.ToString();

    /// <summary>
    /// Sends one request (<paramref name="path"/> relative to the base, e.g. "api/campaigns"; <paramref name="body"/> as
    /// JSON when given) and returns the answer, whatever its status. Throws <see cref="ReceiverUnreachableException"/> when
    /// there is none.
    /// </summary>
    public ReceiverResponse Send(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType());
        try
        {
            using var response = _http.Send(request);
            string text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            return new ReceiverResponse((int)response.StatusCode, response.ReasonPhrase, text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new ReceiverUnreachableException($"cannot reach the receiver at {Name}: {e.Message}", e);
        }
    }

    public void Dispose() => _http.Dispose();
}
