using System.Net;
using System.Net.Http.Headers;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>What a hostile web page can make a browser send: a cross-site form, a rebinding host name, framing.</summary>
[Collection(SecurityCollection.Name)]
public sealed class BrowserAttackTests(RunningReceiver receiver)
{
    private readonly Attacker _attacker = new(receiver);

    private async Task<string> RegisteredDeviceAsync()
    {
        string id = "esp32-" + Guid.NewGuid().ToString("N")[..12];
        var (status, _, _) = await _attacker.SendAsync(HttpMethod.Post, "/api/devices", new { id, certSerial = "0E05" }, receiver.Admin);
        Assert.Equal(HttpStatusCode.Created, status);
        return id;
    }

    private static HttpRequestMessage Form(string path, string origin, string? fetchSite)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([new("confirm", "yes")]) };
        if (origin.Length > 0) request.Headers.Add("Origin", origin);
        if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);
        return request;
    }

    [Theory]
    [InlineData("http://evil.example", "cross-site")] // a current browser
    [InlineData("http://evil.example", null)]         // Origin only
    [InlineData("null", null)]                        // a sandboxed iframe
    [InlineData("", "cross-site")]                    // Fetch metadata only
    [InlineData("", null)]                            // an old browser: no header at all, and no token either
    public async Task A_cross_site_form_posting_a_revocation_is_refused_and_nothing_is_revoked(string origin, string? fetchSite)
    {
        string id = await RegisteredDeviceAsync();
        string before = await _attacker.StateAsync();
        var (status, error, response) = await _attacker.SendAsync(Form($"/api/devices/{id}/revoke", origin, fetchSite));
        Assert.Contains(status, new[] { HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized });
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Empty(response.Headers.Where(h => h.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(before, await _attacker.StateAsync());
    }

    [Fact]
    public async Task Even_with_a_stolen_token_a_cross_origin_post_is_refused()
    {
        string id = await RegisteredDeviceAsync();
        string before = await _attacker.StateAsync();
        var request = Form($"/api/devices/{id}/revoke", "http://evil.example", "cross-site");
        var (status, error, _) = await _attacker.SendAsync(request, receiver.Admin);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("cross-origin", error);
        Assert.Equal(before, await _attacker.StateAsync());
    }

    [Theory]
    [InlineData("/api/devices")]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/vendor/uplot/uPlot.iife.min.js")]
    public async Task A_foreign_host_header_is_refused_even_with_a_valid_token(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "rebind.evil.example";
        var (status, error, _) = await _attacker.SendAsync(request, receiver.Admin);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, status);
        Assert.Contains("rebind.evil.example", error);
    }

    [Fact]
    public async Task A_foreign_host_cannot_change_anything_either()
    {
        string before = await _attacker.StateAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/devices") { Content = System.Net.Http.Json.JsonContent.Create(new { id = "esp32-0000000000ff" }) };
        request.Headers.Host = "rebind.evil.example:" + _attacker.Base.Port;
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await _attacker.SendAsync(request, receiver.Admin)).Status);
        Assert.Equal(before, await _attacker.StateAsync());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/devices")]
    [InlineData("/api/nothing-here")]
    public async Task Every_answer_forbids_framing_and_sniffing_and_sets_no_cookie(string path)
    {
        var (_, _, response) = await _attacker.SendAsync(HttpMethod.Get, path, token: receiver.Admin);
        string csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_same_origin_page_may_post_with_its_token()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/devices") { Content = System.Net.Http.Json.JsonContent.Create(new { id = "esp32-" + Guid.NewGuid().ToString("N")[..12] }) };
        request.Headers.Add("Origin", _attacker.Base.GetLeftPart(UriPartial.Authority));
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.Created, (await _attacker.SendAsync(request, receiver.Admin)).Status);
    }
}
