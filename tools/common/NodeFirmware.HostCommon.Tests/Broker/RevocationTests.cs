using NodeFirmware.HostCommon.Broker;

namespace NodeFirmware.HostCommon.Tests.Broker;

/// <summary>A revoked device is locked out once the CRL is rewritten and the broker has reloaded it.</summary>
public sealed class RevocationTests : IDisposable
{
    private const string A = "esp32-00000000000a";
    private const string C = "esp32-00000000000c";
    private readonly BrokerTestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private void RevokeC()
    {
        _pki.Store.RevokeDevice(C);
        _pki.Store.WriteCrl(_pki.Ca);
    }

    private async Task<string> RefusalAsync(MosquittoInstance broker, string deviceId)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => TestMqttClient.ConnectDeviceAsync(broker, _pki.Device(deviceId), _pki.Trust));
        return e.GetBaseException().Message;
    }

    [Fact]
    public async Task Revoked_device_cannot_connect_after_the_crl_is_rewritten_and_reloaded()
    {
        var broker = _pki.StartBroker();
        await using (var before = await TestMqttClient.ConnectDeviceAsync(broker, _pki.Device(C), _pki.Trust))
            Assert.True(before.Client.IsConnected);

        RevokeC();
        // Until the broker reloads, it still uses the CRL it loaded at start.
        await using (var stale = await TestMqttClient.ConnectDeviceAsync(broker, _pki.Device(C), _pki.Trust))
            Assert.True(stale.Client.IsConnected);

        var pid = broker.ProcessId;
        broker.ReloadCrl();
        Assert.Equal(pid, broker.ProcessId); // SIGHUP, no restart

        Assert.Contains("certificate revoked", await RefusalAsync(broker, C));
        await using var other = await TestMqttClient.ConnectDeviceAsync(broker, _pki.Device(A), _pki.Trust);
        Assert.True(other.Client.IsConnected);
    }

    [Fact]
    public async Task Connected_revoked_device_stays_until_the_broker_restarts_and_cannot_come_back()
    {
        var broker = _pki.StartBroker();
        await using var c = await TestMqttClient.ConnectDeviceAsync(broker, _pki.Device(C), _pki.Trust);
        RevokeC();

        broker.ReloadCrl();
        Assert.True((await c.PublishAsync($"nodes/{C}/telemetry", "still in after SIGHUP")).IsSuccess);

        var port = broker.Port;
        broker.ReloadCrl(disconnectEveryone: true);
        Assert.Equal(port, broker.Port);
        await Assert.ThrowsAnyAsync<Exception>(() => c.PublishAsync($"nodes/{C}/telemetry", "cut"));
        Assert.Contains("certificate revoked", await RefusalAsync(broker, C));
    }

    [Fact]
    public async Task Expired_crl_locks_every_device_out_until_a_fresh_one_is_loaded()
    {
        var broker = _pki.StartBroker();
        _pki.Store.WriteCrl(_pki.Ca, validFor: TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(2)); // let its nextUpdate pass
        broker.ReloadCrl();
        Assert.Contains("certificate expired", await RefusalAsync(broker, A));

        _pki.Store.WriteCrl(_pki.Ca);
        broker.ReloadCrl();
        await using var back = await TestMqttClient.ConnectDeviceAsync(broker, _pki.Device(A), _pki.Trust);
        Assert.True(back.Client.IsConnected);
    }
}
