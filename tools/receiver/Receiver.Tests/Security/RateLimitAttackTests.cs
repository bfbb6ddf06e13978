using System.Net;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>Request floods against a receiver with small limits: the flooding identity gets 429 with a reason, others do not notice.</summary>
public sealed class RateLimitAttackTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private ReceiverProcess _receiver = null!;

    public async Task InitializeAsync() =>
        _receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + _dir.File("receiver.db")], environment: new Dictionary<string, string>
        {
            ["Receiver__Limits__RequestsPerSecond"] = "5", ["Receiver__Limits__RequestBurst"] = "10",
            ["Receiver__Limits__AnonymousRequestsPerSecond"] = "2", ["Receiver__Limits__AnonymousBurst"] = "5",
        });

    public Task DisposeAsync()
    {
        _receiver.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<List<HttpResponseMessage>> FloodAsync(HttpClient http, int n)
    {
        var tasks = Enumerable.Range(0, n).Select(_ => http.GetAsync("/api/whoami")).ToList();
        var responses = new List<HttpResponseMessage>();
        foreach (var t in tasks) responses.Add(await t);
        return responses;
    }

    [Fact]
    public async Task One_token_flooding_requests_gets_429_and_another_token_is_not_slowed()
    {
        string flooder = await _receiver.CreateTokenAsync("viewer", "flooder");
        using var http = _receiver.Client(flooder);
        var responses = await FloodAsync(http, 100);
        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 50, string.Join(",", statuses.GroupBy(s => s).Select(g => $"{g.Key}={g.Count()}")));
        // The refusal's reason is read from the flood's own answers: a request sent after it could find a refilled bucket on a slow machine.
        var refused = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains("rate limit", await refused.Content.ReadAsStringAsync());

        using var admin = _receiver.Client();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/whoami")).StatusCode);
        string metrics = await admin.GetStringAsync("/metrics");
        Assert.Matches("receiver_http_refused_total\\{status=\"429\"\\} [1-9]", metrics);
    }

    [Fact]
    public async Task Guessing_tokens_from_one_address_is_slowed_down_with_429()
    {
        using var http = _receiver.Client("");
        http.DefaultRequestHeaders.Authorization = new("Bearer", "nfr_guess");
        var statuses = (await FloodAsync(http, 50)).Select(r => r.StatusCode).ToList();
        Assert.Contains(HttpStatusCode.Unauthorized, statuses);
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 30, string.Join(",", statuses.GroupBy(s => s).Select(g => $"{g.Key}={g.Count()}")));
    }
}
