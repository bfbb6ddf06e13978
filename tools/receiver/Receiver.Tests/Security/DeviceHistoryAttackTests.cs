using System.Net;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>
/// The device page's read-only routes (vitals, history) against a running receiver: no token or a forged one is 401, a
/// provisioner's token (it may only register) is 403, each with its reason and nothing changed; a viewer is let in.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class DeviceHistoryAttackTests(RunningReceiver receiver)
{
    private readonly Attacker _attacker = new(receiver);

    public static readonly TheoryData<string> Paths = new()
    {
        "/api/devices/esp32-00000000beef/history", "/api/devices/esp32-00000000beef/history?limit=500&from=0&to=7948800",
        "/api/devices/esp32-00000000beef/vitals", "/api/vitals/firmware",
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Without_a_valid_token_401_and_for_a_provisioner_403(string path)
    {
        string provisioner = await _attacker.TokenAsync("provisioner"), viewer = await _attacker.TokenAsync("viewer");
        string before = await _attacker.StateAsync();
        foreach (var token in new string?[] { null, "nfr_" + new string('A', 43), "not-a-token" })
        {
            var (status, error, _) = await _attacker.SendAsync(HttpMethod.Get, path, token: token);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.False(string.IsNullOrEmpty(error), "a 401 must say why");
        }
        var (forbidden, reason, _) = await _attacker.SendAsync(HttpMethod.Get, path, token: provisioner);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Contains("role 'provisioner'", reason);
        var (allowed, _, _) = await _attacker.SendAsync(HttpMethod.Get, path, token: viewer);
        Assert.True(allowed is HttpStatusCode.OK or HttpStatusCode.NotFound, $"a viewer got {allowed} for {path}");
        Assert.Equal(before, await _attacker.StateAsync());
    }
}
