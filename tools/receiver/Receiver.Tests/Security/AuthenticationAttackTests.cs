using System.Net;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>Unauthenticated and wrong-role calls against a running receiver: each refused with 401 or 403 and a JSON reason, nothing changed.</summary>
[Collection(SecurityCollection.Name)]
public sealed class AuthenticationAttackTests(RunningReceiver receiver)
{
    private readonly Attacker _attacker = new(receiver);

    public static readonly TheoryData<string, string> Routes = new()
    {
        { "GET", "/api/devices" }, { "GET", "/api/devices/esp32-00000000beef" }, { "GET", "/api/devices/esp32-00000000beef/telemetry" },
        { "POST", "/api/devices" }, { "POST", "/api/devices/esp32-00000000beef/revoke" }, { "GET", "/api/sli" }, { "GET", "/api/quarantine" },
        { "GET", "/api/campaigns" }, { "POST", "/api/campaigns" }, { "GET", "/api/campaigns/x" }, { "POST", "/api/campaigns/x/abort" },
        { "POST", "/api/campaigns/x/resume" }, { "POST", "/api/campaigns/x/pause" }, { "POST", "/api/devices/esp32-00000000beef/commands" }, { "GET", "/api/devices/esp32-00000000beef/commands" },
        { "GET", "/api/commands/x" }, { "PUT", "/api/devices/esp32-00000000beef/config" }, { "GET", "/api/tokens" }, { "POST", "/api/tokens" },
        { "POST", "/api/tokens/x/revoke" }, { "GET", "/api/audit" }, { "GET", "/api/whoami" }, { "GET", "/api/no-such-route" }, { "GET", "/metrics" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_answers_401_without_a_valid_token_and_changes_nothing(string method, string path)
    {
        string before = await _attacker.StateAsync();
        var body = new { id = "esp32-00000000beef", name = "x", role = "admin", op = "reboot", version = "9.9.9" };
        foreach (var token in new string?[] { null, "nfr_" + new string('A', 43), "not-a-token", "" })
        {
            var (status, error, response) = await _attacker.SendAsync(new HttpMethod(method), path, body, token);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.False(string.IsNullOrEmpty(error), "a 401 must say why");
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
        Assert.Equal(before, await _attacker.StateAsync());
    }

    [Theory]
    [InlineData("viewer", "POST", "/api/devices")]
    [InlineData("viewer", "POST", "/api/devices/esp32-00000000beef/revoke")]
    [InlineData("viewer", "POST", "/api/devices/esp32-00000000beef/commands")]
    [InlineData("viewer", "POST", "/api/campaigns")]
    [InlineData("viewer", "POST", "/api/campaigns/x/abort")]
    [InlineData("viewer", "POST", "/api/campaigns/x/pause")]
    [InlineData("viewer", "POST", "/api/campaigns/x/resume")]
    [InlineData("viewer", "GET", "/api/quarantine")]
    [InlineData("operator", "POST", "/api/devices")]
    [InlineData("operator", "POST", "/api/devices/esp32-00000000beef/revoke")]
    [InlineData("operator", "POST", "/api/tokens")]
    [InlineData("operator", "GET", "/api/audit")]
    [InlineData("provisioner", "GET", "/api/devices")]
    [InlineData("provisioner", "POST", "/api/campaigns")]
    [InlineData("provisioner", "POST", "/api/campaigns/x/pause")]
    [InlineData("provisioner", "POST", "/api/devices/esp32-00000000beef/revoke")]
    [InlineData("provisioner", "POST", "/api/devices/esp32-00000000beef/commands")]
    [InlineData("provisioner", "GET", "/metrics")]
    public async Task A_role_without_the_permission_gets_403_and_changes_nothing(string role, string method, string path)
    {
        string token = await _attacker.TokenAsync(role);
        string before = await _attacker.StateAsync();
        var (status, error, _) = await _attacker.SendAsync(new HttpMethod(method), path,
            new { id = "esp32-00000000beef", name = "x", role = "admin", op = "reboot", version = "9.9.9" }, token);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains($"role '{role}'", error);
        Assert.Equal(before, await _attacker.StateAsync());
    }

    [Fact]
    public async Task A_provisioner_registers_new_devices_but_cannot_lift_a_revocation_or_swap_a_serial()
    {
        string provisioner = await _attacker.TokenAsync("provisioner");
        string id = "esp32-" + Guid.NewGuid().ToString("N")[..12];
        Assert.Equal(HttpStatusCode.Created, (await _attacker.SendAsync(HttpMethod.Post, "/api/devices", new { id, certSerial = "0A01" }, provisioner)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _attacker.SendAsync(HttpMethod.Post, "/api/devices", new { id, certSerial = "0A01" }, provisioner)).Status);
        var swap = await _attacker.SendAsync(HttpMethod.Post, "/api/devices", new { id, certSerial = "0B02" }, provisioner);
        Assert.Equal(HttpStatusCode.Forbidden, swap.Status);

        Assert.Equal(HttpStatusCode.OK, (await _attacker.SendAsync(HttpMethod.Post, $"/api/devices/{id}/revoke", token: receiver.Admin)).Status);
        string before = await _attacker.StateAsync();
        var unrevoke = await _attacker.SendAsync(HttpMethod.Post, "/api/devices", new { id, certSerial = "0C03" }, provisioner);
        Assert.Equal(HttpStatusCode.Forbidden, unrevoke.Status);
        Assert.Contains("admin", unrevoke.Error);
        Assert.Equal(before, await _attacker.StateAsync());
    }

    [Fact]
    public async Task A_revoked_token_is_refused_at_once()
    {
        string token = await _attacker.TokenAsync("viewer");
        Assert.Equal(HttpStatusCode.OK, (await _attacker.SendAsync(HttpMethod.Get, "/api/devices", token: token)).Status);
        using var admin = receiver.Process.Client();
        var tokens = await admin.GetStringAsync("/api/tokens");
        string id = System.Text.Json.JsonDocument.Parse(tokens).RootElement.EnumerateArray().Last(t => t.GetProperty("name").GetString() == "attack-viewer").GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/tokens/{id}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _attacker.SendAsync(HttpMethod.Get, "/api/devices", token: token)).Status);
    }

    [Fact]
    public async Task Every_change_is_in_the_audit_trail_with_who_and_when_and_the_secret_is_nowhere_at_rest()
    {
        string op = await _attacker.TokenAsync("operator");
        string id = "esp32-" + Guid.NewGuid().ToString("N")[..12];
        await _attacker.SendAsync(HttpMethod.Post, "/api/devices", new { id, certSerial = "0D04", board = "esp32-devkitc" }, receiver.Admin);
        await _attacker.SendAsync(HttpMethod.Post, $"/api/devices/{id}/commands", new { op = "ping" }, op);
        await _attacker.SendAsync(HttpMethod.Post, $"/api/devices/{id}/revoke", token: receiver.Admin);
        using var admin = receiver.Process.Client();
        string audit = await admin.GetStringAsync("/api/audit?limit=50");
        foreach (var action in new[] { "token.create", "device.register", "command.create", "device.revoke" }) Assert.Contains(action, audit);
        Assert.Contains("attack-operator", audit);
        Assert.Contains("\"at\":", audit);

        byte[] db = await File.ReadAllBytesAsync(receiver.DatabasePath);
        string wal = File.Exists(receiver.DatabasePath + "-wal") ? Convert.ToBase64String(await File.ReadAllBytesAsync(receiver.DatabasePath + "-wal")) : "";
        Assert.DoesNotContain(op, System.Text.Encoding.ASCII.GetString(db) + System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(wal)));
    }

    [Fact]
    public void The_first_admin_token_file_is_readable_by_its_owner_only()
    {
        string file = receiver.DatabasePath + ".admin-token";
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.DoesNotContain(receiver.Admin, receiver.Process.Output); // named, never printed
    }
}
