using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.Nodectl.Flashing;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// The host side of the provisioning protocol over a serial line (or a TCP stand-in for virtual nodes):
/// one request, one reply, matched by sequence. Frames with another sequence are stale replies and
/// are dropped; noise (boot messages) is skipped by the decoder.
/// </summary>
public sealed class ProvisioningClient
{
    private readonly ISerialLink _link;
    private readonly ProvisioningClientOptions _options;
    private readonly FrameDecoder _decoder;
    private readonly byte[] _readBuffer = new byte[4096];
    private readonly System.Text.StringBuilder _console = new();
    private int _sequence;

    public ProvisioningClient(ISerialLink link, ProvisioningClientOptions? options = null)
    {
        _link = link ?? throw new ArgumentNullException(nameof(link));
        _options = options ?? new ProvisioningClientOptions();
        if (_options.Attempts < 1) throw new ArgumentOutOfRangeException(nameof(options), "at least one attempt");
        _decoder = new FrameDecoder(_options.MaxPayload);
        _sequence = Random.Shared.Next(0x10000);
    }

    /// <summary>
    /// The board on a serial port and its boot text since nodectl reset it; with it, a HELLO that cannot be answered
    /// or is not answered is explained from what the board printed (<see cref="BoardDiagnosis"/>).
    /// </summary>
    public BoardOnPort? Board { get; init; }

    /// <summary>Frames from the device that failed CRC, size or version checks.</summary>
    public int RejectedFrames { get; private set; }

    public DeviceHello Hello()
    {
        if (Board is not null && BoardDiagnosis.BeforeHello(Board) is { } notReady) throw new BoardNotReadyException(notReady);
        Frame reply;
        try
        {
            reply = Exchange(MessageType.Hello, [], MessageType.HelloReply, _options.ReplyTimeout);
        }
        catch (ProvisioningLinkException e) when (e is not DeviceRefusedException && Board is not null)
        {
            var since = Board with { BootText = new BoardBootText(Board.BootText.Text + _console) };
            if (BoardDiagnosis.AfterSilence(since) is { } why) throw new BoardNotReadyException(why, e);
            throw;
        }
        try
        {
            return DeviceHello.Decode(reply.Payload);
        }
        catch (CborException e)
        {
            throw new ProvisioningLinkException("the device's HELLO reply is malformed: " + e.Message, e);
        }
    }

    /// <summary>Sends the bundle; returns the SHA-256 the device computed over what it stored.</summary>
    public byte[] PutBundle(byte[] bundle)
    {
        var reply = Exchange(MessageType.PutBundle, bundle, MessageType.Stored, _options.StorageReplyTimeout);
        if (reply.Payload.Length != ProvisioningProtocol.HashSize)
            throw new ProvisioningLinkException($"STORED carries {reply.Payload.Length} bytes instead of a 32-byte SHA-256");
        return reply.Payload;
    }

    /// <summary>Asks the device to make its own key; returns its PKCS#10 request (DER), unchecked (<see cref="DeviceCsr"/> checks it).</summary>
    public byte[] GenerateKey()
    {
        var reply = Exchange(MessageType.GenerateKey, [], MessageType.CertificateRequest, _options.KeyGenerationReplyTimeout);
        if (reply.Payload.Length == 0 || reply.Payload.Length > CsrBuilder.MaxSize)
            throw new ProvisioningLinkException($"the certificate request from the device is {reply.Payload.Length} bytes, not 1..{CsrBuilder.MaxSize}");
        return reply.Payload;
    }

    /// <summary>
    /// Asks the firmware to check its board (SELF_TEST): the sensor's chip id, a storage round trip, the committed identity.
    /// The storage check writes flash, so it gets the storage timeout. A firmware without a self-test refuses it
    /// (<see cref="DeviceRefusedException"/> with <c>SelfTestUnavailable</c>).
    /// </summary>
    public DeviceSelfTest SelfTest()
    {
        var reply = Exchange(MessageType.SelfTest, [], MessageType.SelfTestResult, _options.StorageReplyTimeout);
        try
        {
            return DeviceSelfTest.Decode(reply.Payload);
        }
        catch (CborException e)
        {
            throw new ProvisioningLinkException("the device's self-test result is malformed: " + e.Message, e);
        }
    }

    public void Commit(byte[] bundleHash) =>
        Exchange(MessageType.Commit, bundleHash, MessageType.Committed, _options.StorageReplyTimeout);

    public void Reboot() => Exchange(MessageType.Reboot, [], MessageType.Rebooting, _options.ReplyTimeout);

    /// <summary>Sends FACTORY_RESET with a payload from <see cref="FactoryResetSigner"/> (or the token, for a board without a committed identity).</summary>
    public void FactoryReset(byte[] payload) =>
        Exchange(MessageType.FactoryReset, payload, MessageType.ResetDone, _options.StorageReplyTimeout);

    /// <summary>
    /// HELLO every <see cref="ProvisioningClientOptions.KnockInterval"/> until the device answers or
    /// <paramref name="within"/> has passed: a board that was just reset opens its re-entry window only after it has
    /// booted, and closes it again when no request comes, so a slow single attempt could miss it.
    /// </summary>
    public DeviceHello Knock(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                var reply = Exchange(MessageType.Hello, [], MessageType.HelloReply, _options.KnockInterval, attempts: 1);
                try
                {
                    return DeviceHello.Decode(reply.Payload);
                }
                catch (CborException e)
                {
                    throw new ProvisioningLinkException("the device's HELLO reply is malformed: " + e.Message, e);
                }
            }
            catch (ProvisioningLinkException e) when (e is not DeviceRefusedException && DateTime.UtcNow < deadline && e.InnerException is null)
            {
                // not booted yet, or its boot text is still coming: knock again
            }
        }
    }

    private Frame Exchange(MessageType request, byte[] payload, MessageType expected, TimeSpan timeout, int? attempts = null)
    {
        int tries = attempts ?? _options.Attempts;
        if (payload.Length > _options.MaxPayload)
            throw new ProvisioningLinkException($"{request} payload of {payload.Length} bytes exceeds the protocol limit of {_options.MaxPayload}");
        int sequence = _sequence = (_sequence + 1) & 0xFFFF;
        byte[] frame = FrameEncoder.Encode(request, sequence, payload);
        string? lastProblem = null;
        for (int attempt = 1; attempt <= tries; attempt++)
        {
            _link.Write(frame);
            var reply = AwaitReply(request, sequence, timeout, ref lastProblem);
            if (reply is null) continue;
            if (reply.Type == MessageType.Error)
            {
                ErrorReply error;
                try { error = ErrorReply.Decode(reply.Payload); }
                catch (CborException e) { throw new ProvisioningLinkException($"the device's error reply to {request} is malformed: {e.Message}", e); }
                if (error.Code == ErrorCode.BadFrame && attempt < tries)
                {
                    lastProblem = "the device received a damaged frame";
                    continue; // damaged on the way there: send it again
                }
                throw new DeviceRefusedException(request, error.Code, error.Message);
            }
            if (reply.Type != expected)
                throw new ProvisioningLinkException($"the device answered {request} with {reply.Type} instead of {expected}");
            return reply;
        }
        throw new ProvisioningLinkException(
            $"no valid reply to {request} after {tries} attempts of {timeout.TotalSeconds:0.#} s on {_link.Name}"
            + (lastProblem is null ? " (the device is silent: is it powered, on this port and in provisioning mode?)" : $" (last: {lastProblem})"));
    }

    /// <summary>What the board printed besides frames, for <see cref="BoardDiagnosis"/> (the latest <see cref="BoardBootText.MaxChars"/>).</summary>
    private void KeepConsoleText(int n)
    {
        _console.Append(System.Text.Encoding.Latin1.GetString(_readBuffer, 0, n));
        if (_console.Length > BoardBootText.MaxChars) _console.Remove(0, _console.Length - BoardBootText.MaxChars);
    }

    /// <summary>The reply with our sequence, or null on timeout (with the reason in lastProblem).</summary>
    private Frame? AwaitReply(MessageType request, int sequence, TimeSpan timeout, ref string? lastProblem)
    {
        var deadline = DateTime.UtcNow + timeout;
        long noiseAtStart = _decoder.SkippedBytes;
        while (true)
        {
            FrameDecodeResult? result;
            while ((result = _decoder.Next()) != null)
            {
                if (!result.IsFrame)
                {
                    RejectedFrames++;
                    lastProblem = $"rejected a frame from the device: {result.Message}";
                    continue;
                }
                if (result.Frame.Sequence != sequence)
                {
                    lastProblem = $"ignored a {result.Frame.Type} with sequence {result.Frame.Sequence} (expected {sequence})";
                    continue;
                }
                return result.Frame;
            }
            if (_decoder.SkippedBytes - noiseAtStart > _options.MaxNoiseBytes)
            {
                _decoder.Reset();
                throw new ProvisioningLinkException(
                    $"the device sent over {_options.MaxNoiseBytes} bytes without a provisioning frame while answering {request}: it is not in provisioning mode or not speaking this protocol");
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                _decoder.Reset(); // a half-received frame will not be completed by the retry
                if (_decoder.SkippedBytes - noiseAtStart > 0 && lastProblem is null) lastProblem = "only noise, no frames";
                return null;
            }
            int n = _link.Read(_readBuffer, left);
            if (n <= 0) continue;
            _decoder.Feed(_readBuffer, 0, n);
            if (Board is not null) KeepConsoleText(n);
        }
    }
}
