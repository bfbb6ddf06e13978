using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Commands;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Tests.Storage;

/// <summary>What the access store (tokens, audit trail) and the command store must do; run against SQLite and PostgreSQL.</summary>
public abstract class ControlStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);

    protected DbSource Source { get; private set; } = null!;
    private SqlAccessStore Access => new(Source);
    private SqlCommandStore Commands => new(Source);

    /// <summary>The store spec of a new, empty database.</summary>
    protected abstract Task<string> NewStoreSpecAsync();

    public async Task InitializeAsync()
    {
        Source = DbSource.Create(await NewStoreSpecAsync());
        await Access.MigrateAsync();
        await Access.MigrateAsync(); // twice: a restart migrates again
        await Commands.MigrateAsync();
    }

    public async Task DisposeAsync() => await Source.DisposeAsync();

    [Fact]
    public async Task A_token_is_found_by_its_hash_until_revoked_and_the_secret_is_never_stored()
    {
        var tokens = new AccessTokens(Access, new AuditTrail(Access, TimeProvider.System), TimeProvider.System);
        var issued = await tokens.CreateAsync("alice", Roles.Operator, Caller.CommandLine());
        Assert.StartsWith(TokenSecret.Prefix, issued.Secret);
        Assert.Equal(issued.Token.Id, (await tokens.AuthenticateAsync(issued.Secret))?.Id);
        Assert.Null(await tokens.AuthenticateAsync(issued.Secret + "x"));
        Assert.Null(await tokens.AuthenticateAsync(null));
        Assert.DoesNotContain(issued.Secret, await DumpAsync("api_tokens"));

        Assert.True(await tokens.RevokeAsync(issued.Token.Id, Caller.CommandLine()));
        Assert.False(await tokens.RevokeAsync(issued.Token.Id, Caller.CommandLine()));
        Assert.Null(await tokens.AuthenticateAsync(issued.Secret));
        var listed = Assert.Single(await tokens.ListAsync());
        Assert.False(listed.IsActive);
    }

    [Fact]
    public async Task A_bad_name_or_role_stores_nothing()
    {
        var tokens = new AccessTokens(Access, new AuditTrail(Access, TimeProvider.System), TimeProvider.System);
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateAsync(new string('a', 65), Roles.Viewer, Caller.CommandLine()));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateAsync("bob", "root", Caller.CommandLine()));
        Assert.Empty(await tokens.ListAsync());
        Assert.Empty(await Access.ListAuditAsync(null, 10));
    }

    [Fact]
    public async Task The_audit_trail_pages_newest_first_and_refuses_updates_and_deletes()
    {
        var trail = new AuditTrail(Access, TimeProvider.System);
        for (int i = 0; i < 5; i++) await trail.RecordAsync(Caller.CommandLine(), "device.register", $"device:d{i}", "detail\n" + new string('x', 2000));
        var page = await Access.ListAuditAsync(null, 3);
        Assert.Equal(["device:d4", "device:d3", "device:d2"], page.Select(e => e.Target));
        Assert.All(page, e => Assert.True(e.Detail.Length <= 513 && !e.Detail.Contains('\n')));
        var older = await Access.ListAuditAsync(page[^1].Id, 10);
        Assert.Equal(["device:d1", "device:d0"], older.Select(e => e.Target));

        await using var db = await Source.OpenAsync(default);
        foreach (var sql in new[] { "UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log" })
        {
            await using var cmd = db.CreateCommand();
            cmd.CommandText = sql;
            var e = await Assert.ThrowsAnyAsync<Exception>(() => cmd.ExecuteNonQueryAsync());
            Assert.Contains("append-only", e.Message);
        }
        Assert.Equal(5, (await Access.ListAuditAsync(null, 100)).Count);
    }

    [Fact]
    public async Task A_command_moves_queued_delivered_acknowledged_and_never_back()
    {
        var c = Command("c1", "esp32-000000000001");
        await Commands.AddAsync(c);
        Assert.Equal(1, await Commands.CountOpenAsync(c.DeviceId));
        Assert.True(await Commands.MarkDeliveredAsync("c1", T0.AddSeconds(1)));
        Assert.False(await Commands.MarkDeliveredAsync("c1", T0.AddSeconds(2)));
        Assert.False(await Commands.MarkAcknowledgedAsync("c1", "esp32-000000000002", true, null, T0.AddSeconds(2))); // another device's ack
        Assert.True(await Commands.MarkAcknowledgedAsync("c1", c.DeviceId, false, "unknown op", T0.AddSeconds(3)));
        Assert.False(await Commands.MarkFinishedAsync("c1", CommandStates.Expired, "late", T0.AddSeconds(4)));
        var stored = await Commands.GetAsync("c1");
        Assert.Equal((CommandStates.Acknowledged, false, "unknown op"), (stored!.State, stored.Ok, stored.Detail));
        Assert.Equal(0, await Commands.CountOpenAsync(c.DeviceId));
    }

    [Fact]
    public async Task Open_commands_list_oldest_first_and_counts_are_by_state()
    {
        await Commands.AddAsync(Command("a", "esp32-000000000001", 0));
        await Commands.AddAsync(Command("b", "esp32-000000000001", 1));
        await Commands.AddAsync(Command("c", "esp32-000000000002", 2));
        Assert.True(await Commands.MarkFinishedAsync("b", CommandStates.Dropped, "revoked", T0));
        Assert.Equal(["a", "c"], (await Commands.ListOpenAsync()).Select(x => x.Id));
        Assert.Equal(["b", "a"], (await Commands.ListForDeviceAsync("esp32-000000000001", 10)).Select(x => x.Id));
        var counts = await Commands.CountByStateAsync();
        Assert.Equal(2, counts[CommandStates.Queued]);
        Assert.Equal(1, counts[CommandStates.Dropped]);
        await Assert.ThrowsAsync<ArgumentException>(() => Commands.MarkFinishedAsync("a", CommandStates.Acknowledged, "", T0));
    }

    private static DeviceCommand Command(string id, string device, int second = 0) =>
        new(id, device, "ping", CommandStates.Queued, T0.AddSeconds(second), "token:x (t)", T0.AddHours(1), null, null, null, null);

    private async Task<string> DumpAsync(string table)
    {
        await using var db = await Source.OpenAsync(default);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = $"SELECT * FROM {table}";
        await using var r = await cmd.ExecuteReaderAsync();
        var text = new System.Text.StringBuilder();
        while (await r.ReadAsync())
            for (int i = 0; i < r.FieldCount; i++) text.Append(r.GetValue(i)).Append('|');
        return text.ToString();
    }
}
