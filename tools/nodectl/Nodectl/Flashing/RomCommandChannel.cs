using System.Text;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// Sends one command at a time and waits for the response with the same command byte, as Espressif's protocol
/// description asks. Whatever else arrives meanwhile (noise, malformed packets, boot messages) is remembered,
/// so a timeout can say what the peer sent instead of an answer.
/// </summary>
public sealed class RomCommandChannel
{
    // ROM responses are tiny (the longest is SPI_FLASH_MD5: 8 + 32 + 4 bytes).
    private const int MaxResponseLength = 1024;
    private const int StrayTextLimit = 400;

    private readonly ISerialLink _link;
    private readonly SlipDecoder _decoder = new(MaxResponseLength);
    private readonly List<SlipEvent> _events = new();
    private readonly byte[] _readBuffer = new byte[4096];
    private readonly List<string> _anomalies = new();
    private readonly StringBuilder _strayText = new();
    private int _nextEvent;

    public RomCommandChannel(ISerialLink link)
    {
        _link = link;
    }

    /// <summary>Status bytes at the end of each response: 4 for the ESP32 ROM loader.</summary>
    public int StatusLength { get; set; } = RomProtocol.RomStatusLength;

    public ISerialLink Link => _link;

    /// <summary>Drops unread input and half-decoded frames; done before every command, as esptool does.</summary>
    public void Flush()
    {
        _link.DiscardInput();
        _decoder.Reset();
        _events.Clear();
        _nextEvent = 0;
        _anomalies.Clear();
        _strayText.Clear();
    }

    public void Send(RomCommand command, ReadOnlySpan<byte> data, uint checksum = 0)
    {
        _link.Write(Slip.Encode(RomProtocol.BuildRequest(command, data, checksum)));
    }

    /// <summary>Sends a command and returns its response; throws if none comes in time or its status is a failure.</summary>
    public RomResponse Execute(RomCommand command, ReadOnlySpan<byte> data, uint checksum, TimeSpan timeout, string context = "")
    {
        Flush();
        Send(command, data, checksum);
        var response = Await(command, timeout, context);
        ThrowIfFailed(command, response, context);
        return response;
    }

    /// <summary>Waits for the next well-formed response to <paramref name="command"/>, ignoring responses to other commands.</summary>
    public RomResponse Await(RomCommand command, TimeSpan timeout, string context = "")
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            while (_nextEvent < _events.Count)
            {
                var e = _events[_nextEvent++];
                if (!e.IsPacket)
                {
                    NoteAnomaly(e.Detail!);
                    continue;
                }

                var response = RomResponse.TryParse(e.Packet!, out string? problem);
                if (response is null)
                {
                    NoteAnomaly("malformed packet: " + problem);
                    continue;
                }

                if (response.Command == (byte)command)
                {
                    if (response.Body.Length < StatusLength)
                    {
                        throw new RomProtocolException(
                            $"response to {command}{context} has {response.Body.Length} data bytes, fewer than the {StatusLength} status bytes of the ROM loader");
                    }

                    return response;
                }
            }

            _events.Clear();
            _nextEvent = 0;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new RomTimeoutException(DescribeTimeout(command, timeout, context));
            }

            int n = _link.Read(_readBuffer, left);
            if (n > 0)
            {
                _decoder.Push(_readBuffer.AsSpan(0, n), _events);
            }
        }
    }

    /// <summary>Reads and discards responses for a short while (the ROM answers one SYNC several times).</summary>
    public void Drain(TimeSpan quiet)
    {
        while (_link.Read(_readBuffer, quiet) > 0)
        {
        }

        _decoder.Reset();
        _events.Clear();
        _nextEvent = 0;
    }

    /// <summary>Text the peer sent outside frames since the last flush (boot messages show up here).</summary>
    public string StrayText => _strayText.ToString();

    public void ThrowIfFailed(RomCommand command, RomResponse response, string context = "")
    {
        var (status, error) = response.Status(StatusLength);
        if (status != 0)
        {
            throw new RomCommandFailedException(command, error, context);
        }
    }

    /// <summary>Reads whatever arrives for <paramref name="window"/> and keeps it as stray text (used after a reset).</summary>
    public string CollectBootOutput(TimeSpan window)
    {
        var deadline = DateTime.UtcNow + window;
        var text = new StringBuilder();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            int n = _link.Read(_readBuffer, left);
            if (n == 0)
            {
                break;
            }

            text.Append(Encoding.Latin1.GetString(_readBuffer, 0, n));
        }

        return text.ToString();
    }

    private void NoteAnomaly(string detail)
    {
        if (_anomalies.Count < 8)
        {
            _anomalies.Add(detail);
        }

        int quote = detail.IndexOf('"');
        if (quote >= 0 && _strayText.Length < StrayTextLimit)
        {
            _strayText.Append(detail.AsSpan(quote + 1, detail.Length - quote - 2));
        }
    }

    private string DescribeTimeout(RomCommand command, TimeSpan timeout, string context)
    {
        var message = new StringBuilder($"no response to {command}{context} within {timeout.TotalSeconds:0.###} s");
        if (_anomalies.Count == 0)
        {
            message.Append("; the device sent nothing (stalled, disconnected, or not in download mode)");
            return message.ToString();
        }

        if (BootMessages.LooksLikeReset(StrayText))
        {
            message.Append("; the chip reset meanwhile (boot message seen: \"")
                .Append(BootMessages.Summarise(StrayText))
                .Append("\")");
        }

        message.Append("; received instead: ").Append(string.Join("; ", _anomalies));
        return message.ToString();
    }
}
