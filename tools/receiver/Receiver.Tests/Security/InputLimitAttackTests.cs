using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>Oversized bodies and fields, unbounded pages, request floods: each refused with the right status and nothing stored.</summary>
[Collection(SecurityCollection.Name)]
public sealed class InputLimitAttackTests(RunningReceiver receiver)
{
    private readonly Attacker _attacker = new(receiver);

    [Fact]
    public async Task A_20_MB_board_name_is_refused_before_it_is_read_and_nothing_is_stored()
    {
        string before = await _attacker.StateAsync();
        var body = $"{{\"id\":\"esp32-0000000000b0\",\"board\":\"{new string('x', 20 * 1024 * 1024)}\"}}";
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/devices") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var (status, error, _) = await _attacker.SendAsync(request, receiver.Admin);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("at most", error);
        Assert.Equal(before, await _attacker.StateAsync());
    }

    [Fact]
    public async Task A_body_sent_without_a_length_is_cut_off_at_the_limit()
    {
        string before = await _attacker.StateAsync();
        var body = Encoding.UTF8.GetBytes($"{{\"id\":\"esp32-0000000000b1\",\"board\":\"{new string('x', 2 * 1024 * 1024)}\"}}");
        var status = (HttpStatusCode)await _attacker.SendChunkedAsync("/api/devices", body, receiver.Admin);
        Assert.True(status is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, status.ToString());
        Assert.Equal(before, await _attacker.StateAsync());
    }

    public static readonly TheoryData<string, object> OversizedFields = new()
    {
        { "/api/devices", new { id = new string('a', 65) } },
        { "/api/devices", new { id = "esp32-0000000000b2", board = new string('b', 65) } },
        { "/api/devices", new { id = "esp32-0000000000b2", board = "<script>" } },
        { "/api/devices", new { id = "esp32-0000000000b2", certSerial = new string('A', 41) } },
        { "/api/devices", new { id = "esp32-0000000000b2", certSerial = "xyz" } },
        { "/api/devices", new { id = "esp32-0000000000b2", tags = Enumerable.Range(0, 17).Select(i => "t" + i).ToArray() } },
        { "/api/devices", new { id = "esp32-0000000000b2", tags = new[] { new string('t', 65) } } },
        { "/api/devices", new { id = "esp32/../../x" } },
        { "/api/campaigns", new { name = new string('n', 101), version = "1.0.0" } },
        { "/api/campaigns", new { version = new string('9', 33) } },
        { "/api/campaigns", new { version = "1.0.0", board = new string('b', 65) } },
        { "/api/tokens", new { name = new string('n', 65), role = "viewer" } },
        { "/api/tokens", new { name = "x", role = "superuser" } },
        { "/api/devices/esp32-00000000beef/commands", new { op = new string('o', 1000) } },
        { "/api/devices/esp32-00000000beef/commands", new { op = "format-flash" } },
    };

    [Theory]
    [MemberData(nameof(OversizedFields))]
    public async Task Oversized_or_malformed_fields_are_refused_with_400_and_nothing_is_stored(string path, object body)
    {
        string before = await _attacker.StateAsync();
        var (status, error, _) = await _attacker.SendAsync(HttpMethod.Post, path, body, receiver.Admin);
        Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{status}: {error}");
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Equal(before, await _attacker.StateAsync());
    }

    [Theory]
    [InlineData("/api/devices?limit=100000")]
    [InlineData("/api/devices?limit=0")]
    [InlineData("/api/campaigns?limit=5000")]
    [InlineData("/api/audit?limit=1001")]
    [InlineData("/api/devices/esp32-00000000beef/commands?limit=1000000")]
    public async Task List_pages_are_bounded(string path)
    {
        var (status, error, _) = await _attacker.SendAsync(HttpMethod.Get, path, token: receiver.Admin);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("limit", error);
    }

    [Fact]
    public async Task Pages_of_devices_follow_on_with_the_next_marker()
    {
        for (int i = 0; i < 3; i++)
            await _attacker.SendAsync(HttpMethod.Post, "/api/devices", new { id = $"esp32-page0000000{i}" }, receiver.Admin);
        var (_, _, first) = await _attacker.SendAsync(HttpMethod.Get, "/api/devices?limit=1", token: receiver.Admin);
        string next = first.Headers.GetValues("X-Next-After").Single();
        var (status, _, second) = await _attacker.SendAsync(HttpMethod.Get, $"/api/devices?limit=1&after={next}", token: receiver.Admin);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(next, await second.Content.ReadAsStringAsync());
    }
}
