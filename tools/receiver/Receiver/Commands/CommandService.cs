using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Commands;

/// <summary>
/// Takes commands from operators, keeps them in the store, hands them to the broker one (by default) at a time per
/// device, and records each one's fate: delivered on PUBACK, acknowledged on the device's cmd/ack, dropped if the
/// broker refuses or the device was revoked, expired when its time to live runs out first. Nothing leaves the store
/// unaccounted for: a command the broker swallowed shows as expired.
/// </summary>
public sealed class CommandService(ICommandStore store, ITelemetryStore telemetry, DeviceLink link, AuditTrail audit, IOptions<CommandOptions> options,
    TimeProvider clock, ILogger<CommandService> log) : BackgroundService
{
    private readonly CommandOptions _o = options.Value;
    private readonly SemaphoreSlim _wake = new(0, 1);

    public async Task<DeviceCommand> SubmitAsync(string deviceId, string? op, int? ttlSeconds, Caller by, CancellationToken ct)
    {
        if (op is null || !CommandOptions.Ops.Contains(op)) throw new CommandRefused(400, $"op must be one of {string.Join(", ", CommandOptions.Ops)}");
        var ttl = ttlSeconds is { } s ? TimeSpan.FromSeconds(s) : _o.DefaultTimeToLive;
        if (ttl < _o.MinTimeToLive || ttl > _o.MaxTimeToLive)
            throw new CommandRefused(400, $"ttlSeconds must be {_o.MinTimeToLive.TotalSeconds:0}..{_o.MaxTimeToLive.TotalSeconds:0}");
        var device = await telemetry.GetDeviceAsync(deviceId, ct);
        if (device is not { IsRegistered: true }) throw new CommandRefused(404, $"no registered device '{deviceId}'");
        if (device.IsRevoked) throw new CommandRefused(409, $"device '{deviceId}' is revoked");
        int open = await store.CountOpenAsync(deviceId, ct);
        if (open >= _o.MaxOpenPerDevice)
            throw new CommandRefused(429, $"device '{deviceId}' already has {open} commands waiting (at most {_o.MaxOpenPerDevice}); wait for their acknowledgements or expiry");
        var now = clock.GetUtcNow();
        var command = new DeviceCommand(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), deviceId, op, CommandStates.Queued, now, by.Actor,
            now + ttl, null, null, null, null);
        await store.AddAsync(command, ct);
        await audit.RecordAsync(by, "command.create", "device:" + deviceId, $"command={command.Id} op={op} ttl={ttl.TotalSeconds:0}s", ct);
        Wake();
        return command;
    }

    public override async Task StartAsync(CancellationToken ct)
    {
        await store.MigrateAsync(ct);
        link.Connected += Wake;
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var acks = Task.Run(() => HandleAcksAsync(stop), CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stop);
                await _wake.WaitAsync(_o.TickInterval, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                log.LogError(e, "command dispatch failed");
                try { await Task.Delay(_o.TickInterval, clock, stop); } catch (OperationCanceledException) { break; }
            }
        }
        await acks;
    }

    /// <summary>Expires overdue commands, then publishes what each device's in-flight window allows.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var open = await store.ListOpenAsync(ct);
        foreach (var c in open.Where(c => c.ExpiresAt <= now))
        {
            string why = c.State == CommandStates.Queued
                ? "never sent: the receiver had no broker connection or the device's earlier commands stayed unacknowledged"
                : "sent, but the device did not acknowledge it in time (offline, or the broker dropped it)";
            if (await store.MarkFinishedAsync(c.Id, CommandStates.Expired, why, now, ct))
                log.LogWarning("command {Id} ({Op}) to {Device} expired: {Why}", c.Id, c.Op, c.DeviceId, why);
        }
        if (!link.IsConnected) return;
        foreach (var device in open.Where(c => c.ExpiresAt > now).GroupBy(c => c.DeviceId))
        {
            int inFlight = device.Count(c => c.State == CommandStates.Delivered);
            foreach (var c in device.Where(c => c.State == CommandStates.Queued).Take(Math.Max(0, _o.MaxInFlightPerDevice - inFlight)))
                if (!await SendAsync(c, ct)) return;
        }
    }

    /// <summary>False if the connection went away (the command stays queued).</summary>
    private async Task<bool> SendAsync(DeviceCommand c, CancellationToken ct)
    {
        var device = await telemetry.GetDeviceAsync(c.DeviceId, ct);
        var now = clock.GetUtcNow();
        if (device is null || device.IsRevoked)
        {
            await store.MarkFinishedAsync(c.Id, CommandStates.Dropped, "the device was revoked before the command went out", now, ct);
            return true;
        }
        MQTTnet.MqttClientPublishResult? result;
        try
        {
            result = await link.PublishAsync($"nodes/{c.DeviceId}/cmd", CommandCbor.Encode(c.Id, c.Op), retain: false, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning("publishing command {Id} failed: {Message}; it stays queued", c.Id, e.Message);
            return false;
        }
        if (result is null) return false;
        if (!result.IsSuccess)
        {
            await store.MarkFinishedAsync(c.Id, CommandStates.Dropped, $"the broker refused it: {result.ReasonCode} {result.ReasonString}".TrimEnd(), now, ct);
            return true;
        }
        if (await store.MarkDeliveredAsync(c.Id, now, ct)) await telemetry.RecordCommandSentAsync(c.Id, c.DeviceId, now, ct);
        return true;
    }

    private async Task HandleAcksAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var (topic, payload) in link.Acks.ReadAllAsync(stop))
            {
                try
                {
                    var ack = CommandCbor.DecodeAck(payload);
                    string deviceId = topic.Split('/')[1];
                    if (ack is null)
                    {
                        log.LogWarning("ignored a malformed command ack on {Topic}", topic);
                        continue;
                    }
                    var now = clock.GetUtcNow();
                    if (await store.MarkAcknowledgedAsync(ack.Value.Id, deviceId, ack.Value.Ok, ack.Value.Error, now, stop))
                    {
                        await telemetry.RecordCommandAckAsync(ack.Value.Id, ack.Value.Ok, now, stop);
                        Wake();
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "handling an ack on {Topic} failed", topic); }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    private void Wake()
    {
        try { _wake.Release(); } catch (SemaphoreFullException) { }
    }
}
